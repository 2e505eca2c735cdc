package dev.tether.core.hardening;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the request pipeline ({@link RequestPipelineProperty}). Not part of the default test
 * run (Jazzer's agent slows every class load after it); run on demand:
 * {@code JAZZER_FUZZ=1 ./mvnw -o -q -B -pl proxy-core test -Dtest=RequestValidatorFuzzer}. Without JAZZER_FUZZ it
 * replays the inputs in {@code src/test/resources/.../RequestValidatorFuzzerInputs}.
 */
class RequestValidatorFuzzer {

    @FuzzTest(maxDuration = "60s")
    void nothingInvalidPassesTheValidator(FuzzedDataProvider data) {
        int split = data.consumeInt(0, 4096);
        RequestPipelineProperty.check(data.consumeRemainingAsBytes(), split);
    }
}

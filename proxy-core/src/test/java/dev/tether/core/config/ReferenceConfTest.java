package dev.tether.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** reference.conf is the documentation operators read first: keep it complete and commented. */
class ReferenceConfTest {

    private static final Pattern SETTING = Pattern.compile("^\\s*[a-z][a-z-]*\\s*(=|\\{).*");

    @Test
    void everySettingHasACommentLineAboveIt() throws IOException {
        List<String> lines = referenceLines();
        List<String> uncommented = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (SETTING.matcher(lines.get(i)).matches() && !lines.get(i - 1).trim().startsWith("#")) {
                uncommented.add((i + 1) + ": " + lines.get(i).trim());
            }
        }
        assertThat(uncommented).isEmpty();
    }

    @Test
    void everyKeyIsDocumentedInConfigurationMd() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<String> undocumented = new ArrayList<>();
        collectLeaves(ConfigFactory.parseResources("reference.conf").root(), "", undocumented, docs);
        assertThat(undocumented).isEmpty();
    }

    /** Leaves are documented as `key` in their section's table, or as `section.key`. */
    private static void collectLeaves(ConfigObject object, String path, List<String> undocumented, String docs) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String key = e.getKey();
            String full = path.isEmpty() ? key : path + "." + key;
            if (e.getValue() instanceof ConfigObject child && !child.isEmpty()) {
                collectLeaves(child, full, undocumented, docs);
            } else if (!docs.contains("| `" + key + "` |") && !docs.contains("`" + lastTwo(full) + "`")) {
                undocumented.add(full);
            }
        }
    }

    private static String lastTwo(String path) {
        String[] parts = path.split("\\.");
        return parts.length < 2 ? path : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static List<String> referenceLines() throws IOException {
        try (InputStream in = ReferenceConfTest.class.getClassLoader().getResourceAsStream("reference.conf")) {
            assertThat(in).as("reference.conf on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}

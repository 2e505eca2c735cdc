package dev.tether.bench.harness;

import java.util.List;
import java.util.Objects;

/**
 * One question the harness asks of every contestant, with everything needed to generate the load and the proxy
 * configurations for it.
 *
 * @param name short name used on the command line and in the result table
 * @param description one line for the README and the report
 * @param profile which proxy configuration the scenario needs
 * @param driver which load generator runs it
 * @param method HTTP method
 * @param path request path on the backends ({@code /small}, {@code /16k}, {@code /1m}, {@code /upload})
 * @param requestBodyBytes request body size, 0 for none
 * @param closeConnection send {@code Connection: close}, so every request opens a new connection
 * @param sendCookies send sticky cookies learned from the proxy before the run
 * @param connections wrk connections, or {@code LoadHarness} sessions (one connection each)
 * @param rate requests per second offered by {@code LoadHarness}; 0 for wrk (closed loop)
 * @param churn {@code LoadHarness}: chance that a session forgets its cookies after a response (a new user)
 * @param contestants who takes part
 * @param pendingReason why the scenario cannot run yet, or {@code null} when it can
 */
public record Scenario(
        String name,
        String description,
        Profile profile,
        Driver driver,
        String method,
        String path,
        int requestBodyBytes,
        boolean closeConnection,
        boolean sendCookies,
        int connections,
        int rate,
        double churn,
        List<Contestant> contestants,
        String pendingReason) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(driver, "driver");
        contestants = List.copyOf(contestants);
        if (connections < 1) {
            throw new IllegalArgumentException(name + ": connections = " + connections + " (expected >= 1)");
        }
        if (churn < 0 || churn > 1) {
            throw new IllegalArgumentException(name + ": churn = " + churn + " (expected 0..1)");
        }
        if (driver == Driver.LOAD_HARNESS && rate < 1) {
            throw new IllegalArgumentException(name + ": rate = " + rate + " (expected >= 1 for load-harness)");
        }
    }

    public boolean pending() {
        return pendingReason != null;
    }

    /** A copy with another offered rate, for the {@code --rate} knob. */
    public Scenario withRate(int newRate) {
        if (driver != Driver.LOAD_HARNESS) {
            return this;
        }
        return new Scenario(name, description, profile, driver, method, path, requestBodyBytes, closeConnection,
                sendCookies, connections, newRate, churn, contestants, pendingReason);
    }
}

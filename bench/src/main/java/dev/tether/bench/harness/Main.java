package dev.tether.bench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The testable half of {@code bench/run.sh}: the script starts and stops processes and times runs, this class
 * generates every file they need and turns what they leave behind into the report.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.tether.bench.harness.Main SUBCOMMAND [--key value]...
 *   free-ports N                        N free loopback ports, one a line
 *   scenarios [--quick] [--names a,b] [--rate R]
 *                                       runnable scenarios, tab-separated:
 *                                       name profile driver contestants connections rate method path churn
 *   backends --dir D --ports a,b        nginx backend config and body files; prints the config path
 *   proxy-conf --contestant C --profile P --dir D --port N --backends a,b --threads T
 *                                       one proxy's config; prints its path (C may be a Tether variant's label)
 *   tether-variants [--metrics on,off] [--access-log off,stdout,file] --dir D
 *                                       Tether variants to compare, tab-separated: label java-options
 *   wrk-script --scenario S --out F [--cookies F]
 *   learn-cookies --url U [--name SRV] [--tries 16]
 *                                       distinct sticky cookies the proxy sets, one "name=value" a line
 *   report --dir D [--clk-tck 100]      Markdown table from D/runs/*
 * </pre>
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Main free-ports|scenarios|backends|proxy-conf|tether-variants|wrk-script"
                    + "|learn-cookies|report [--key value]...");
            System.exit(2);
        }
        Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
        try {
            switch (args[0]) {
                case "free-ports" -> freePorts(Integer.parseInt(args[1]), System.out);
                case "scenarios" -> scenarios(opts, System.out);
                case "backends" -> System.out.println(backends(Path.of(need(opts, "dir")), ports(need(opts, "ports"))));
                case "proxy-conf" -> System.out.println(proxyConf(opts));
                case "tether-variants" -> tetherVariants(opts, System.out);
                case "wrk-script" -> wrkScript(opts);
                case "learn-cookies" -> learnCookies(opts, System.out);
                case "report" -> System.out.print(report(Path.of(need(opts, "dir")),
                        Long.parseLong(opts.getOrDefault("clk-tck", "100")), System.err));
                default -> throw new IllegalArgumentException("unknown subcommand '" + args[0] + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String key = args[i].substring(2);
                boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
                opts.put(key, hasValue ? args[++i] : "true");
            }
        }
        return opts;
    }

    private static String need(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    static List<Integer> ports(String csv) {
        List<Integer> ports = new ArrayList<>();
        for (String p : csv.split(",")) {
            ports.add(Integer.parseInt(p.trim()));
        }
        return ports;
    }

    private static List<String> csv(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    /**
     * Free ports found by binding port 0. They are released before the caller binds them, so another process could
     * take one in between; on a benchmark machine that is rare, and the script fails loudly on a bind error.
     */
    static void freePorts(int n, PrintStream out) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                out.println(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    static void scenarios(Map<String, String> opts, PrintStream out) {
        List<String> names = opts.containsKey("quick") && !opts.containsKey("names")
                ? Scenarios.QUICK
                : csv(opts.get("names"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "0"));
        for (Scenario s : Scenarios.select(names)) {
            if (s.pending()) {
                System.err.println("skipping scenario " + s.name() + ": pending (" + s.pendingReason() + ")");
                continue;
            }
            Scenario run = rate > 0 ? s.withRate(rate) : s;
            List<String> who = new ArrayList<>();
            run.contestants().forEach(c -> who.add(c.label()));
            out.println(String.join("\t", run.name(), run.profile().label(), run.driver().label(),
                    String.join(",", who), Integer.toString(run.connections()), Integer.toString(run.rate()),
                    run.method(), run.path(), Double.toString(run.churn())));
        }
    }

    static Path backends(Path dir, List<Integer> ports) throws IOException {
        Path www = dir.resolve("www");
        Files.createDirectories(www);
        // nginx workers drop root privileges to "nobody": everything they read must be world-readable.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));
        writeBody(www.resolve("16k"), 16 * 1024);
        writeBody(www.resolve("1m"), 1024 * 1024);
        // /upload must exist for the static handler to answer (405, turned into 200 by BackendConf).
        writeBody(www.resolve("upload"), 3);
        Path conf = dir.resolve("backends.conf");
        Files.writeString(conf, BackendConf.render(ports, www, dir));
        return conf;
    }

    private static void writeBody(Path file, int size) throws IOException {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        body[size - 1] = '\n';
        Files.write(file, body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    static Path proxyConf(Map<String, String> opts) throws IOException {
        String label = need(opts, "contestant");
        Contestant contestant = Contestant.ofLabel(label);
        Path dir = Path.of(need(opts, "dir"));
        ProxySetup setup = new ProxySetup(
                Profile.parse(need(opts, "profile")),
                Integer.parseInt(need(opts, "port")),
                ports(need(opts, "backends")),
                Integer.parseInt(opts.getOrDefault("threads", "1")),
                dir);
        // Variants of Tether run side by side, each with its own port: each gets its own file.
        String name = label + "-" + setup.profile().label();
        Path file;
        String text;
        switch (contestant) {
            case HAPROXY -> {
                file = dir.resolve(name + ".cfg");
                text = HaproxyConf.render(setup);
                if (setup.profile() == Profile.UUID_MAP) {
                    Files.createDirectories(dir);
                    HaproxyConf.writeMaps(dir, UuidRules.generate(UuidRules.COUNT));
                }
            }
            case NGINX -> {
                file = dir.resolve(name + ".conf");
                text = NginxConf.render(setup);
            }
            case TETHER -> {
                file = dir.resolve(name + ".conf");
                text = TetherConf.render(setup);
            }
            default -> throw new IllegalArgumentException("direct has no proxy configuration");
        }
        Files.createDirectories(dir);
        Files.writeString(file, text);
        return file;
    }

    /** One line per variant, {@code label TAB java-options}, for run.sh to start one Tether each. */
    static void tetherVariants(Map<String, String> opts, PrintStream out) {
        Path dir = Path.of(need(opts, "dir"));
        for (TetherVariant v : TetherVariant.combinations(opts.getOrDefault("metrics", "on"),
                opts.getOrDefault("access-log", "off"))) {
            out.println(v.label() + "\t" + v.javaOptions(dir));
        }
    }

    private static void wrkScript(Map<String, String> opts) throws IOException {
        Scenario scenario = Scenarios.byName(need(opts, "scenario"));
        List<String> cookies = opts.containsKey("cookies")
                ? Files.readAllLines(Path.of(opts.get("cookies"))).stream().filter(l -> !l.isBlank()).toList()
                : List.of();
        Files.writeString(Path.of(need(opts, "out")), WrkScript.render(scenario, cookies));
    }

    /**
     * Asks the proxy a few times without cookies and keeps the distinct sticky cookies it sets, so wrk can replay
     * them: with round robin, two servers give two cookies after two requests.
     */
    private static void learnCookies(Map<String, String> opts, PrintStream out) throws Exception {
        URI uri = URI.create(need(opts, "url"));
        String name = opts.getOrDefault("name", ProxySetup.COOKIE);
        int tries = Integer.parseInt(opts.getOrDefault("tries", "16"));
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade headers: plain requests, like wrk's
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        Set<String> cookies = new LinkedHashSet<>();
        for (int i = 0; i < tries; i++) {
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            for (String setCookie : response.headers().allValues("set-cookie")) {
                String pair = setCookie.split(";", 2)[0].trim();
                if (pair.startsWith(name + "=")) {
                    cookies.add(pair);
                }
            }
        }
        cookies.forEach(out::println);
    }

    /**
     * Reads every {@code D/runs/NAME/} the script left ({@code meta}, {@code out}, {@code cpu.before},
     * {@code cpu.after}) and renders the table. A run that cannot be read is reported on {@code problems} and in a
     * note under the table, never silently dropped.
     */
    static String report(Path dir, long clockTicks, PrintStream problems) throws IOException {
        List<Measurement> measurements = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path runs = dir.resolve("runs");
        List<Path> runDirs;
        try (Stream<Path> s = Files.isDirectory(runs) ? Files.list(runs) : Stream.empty()) {
            runDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path run : runDirs) {
            try {
                measurements.add(readRun(run, clockTicks));
            } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
                String note = "run " + run.getFileName() + " unreadable: " + e.getMessage().lines().findFirst()
                        .orElse("");
                notes.add(note);
                problems.println(note);
            }
        }
        measurements.sort((a, b) -> {
            int byScenario = Integer.compare(scenarioOrder(a.scenario()), scenarioOrder(b.scenario()));
            return byScenario != 0 ? byScenario : Integer.compare(a.run(), b.run());
        });
        StringBuilder b = new StringBuilder(ResultTable.render(measurements));
        List<String> targets = new ArrayList<>(ResultTable.targets(measurements));
        targets.addAll(ResultTable.variantCosts(measurements));
        if (!targets.isEmpty()) {
            b.append('\n');
            targets.forEach(t -> b.append("- ").append(t).append('\n'));
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        List<StraceSummary.Run> straced = readStraceRuns(dir.resolve("syscalls"), problems);
        if (!straced.isEmpty()) {
            b.append("\nSystem calls per request (`strace -c -f`, separate 2 s wrk run per proxy):\n\n");
            b.append(StraceSummary.render(straced));
        }
        return b.toString();
    }

    /** {@code syscalls/SCENARIO.CONTESTANT.strace} with the wrk output beside it as {@code .out}. */
    static List<StraceSummary.Run> readStraceRuns(Path dir, PrintStream problems) throws IOException {
        List<StraceSummary.Run> runs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return runs;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".strace")).sorted().toList();
        }
        for (Path f : files) {
            String base = f.getFileName().toString().replaceFirst("\\.strace$", "");
            int dot = base.lastIndexOf('.');
            try {
                RunResult wrk = RunResult.parse(Files.readString(dir.resolve(base + ".out")));
                runs.add(new StraceSummary.Run(base.substring(0, dot), Contestant.ofLabel(base.substring(dot + 1)),
                        wrk.requests(), StraceSummary.parse(Files.readString(f))));
            } catch (IllegalArgumentException | IOException | StringIndexOutOfBoundsException e) {
                problems.println("strace run " + base + " unreadable: " + e.getMessage());
            }
        }
        return runs;
    }

    private static int scenarioOrder(String name) {
        List<Scenario> all = Scenarios.all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(name)) {
                return i;
            }
        }
        return all.size();
    }

    static Measurement readRun(Path run, long clockTicks) throws IOException {
        Map<String, String> meta = new HashMap<>();
        for (String line : Files.readAllLines(run.resolve("meta"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                meta.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        String label = need(meta, "contestant");
        Contestant contestant = Contestant.ofLabel(label);
        RunResult result = RunResult.parse(Files.readString(run.resolve("out"), StandardCharsets.UTF_8));
        double cpu = Double.NaN;
        if (contestant.isProxy()) {
            cpu = ProcStat.cpuSeconds(
                    Files.readString(run.resolve("cpu.before")), Files.readString(run.resolve("cpu.after")), clockTicks);
        }
        double wall = Long.parseLong(need(meta, "wall_ns")) / 1e9;
        return new Measurement(need(meta, "scenario"), contestant, label, Integer.parseInt(need(meta, "run")), result,
                cpu, wall);
    }
}

package dev.tether.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.tether.core.frontdoor.CidrSet;
import dev.tether.core.frontdoor.FrontDoorConfig;
import dev.tether.core.frontdoor.HttpsRedirectHandler;
import dev.tether.core.frontdoor.ResponseHeaderRules;
import dev.tether.core.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Binds a listener's front-door keys into a {@link FrontDoorConfig}; see docs/front-door.md.
 *
 * <pre>
 *   tls { cert = "fullchain.pem", key = "privkey.pem" }    or    tls { bundle = "site.pem" }
 *       (optional inside tls: protocols = [TLSv1.3, TLSv1.2], ciphers = [...], reload-check-interval = 1m)
 *   redirect-https = 301                  off | 301 | 302 | 303 | 307 | 308
 *   redirect-https-port = 443
 *   response-headers { set { "Strict-Transport-Security" = "max-age=63072000" }, add { ... } }
 *   served-by-header = on
 *   trusted-proxies = ["10.0.0.0/8", "::1"]
 *   proxy-protocol = off
 * </pre>
 * Every key is optional; absent means {@link FrontDoorConfig#plain()}'s value. Relative certificate paths are
 * resolved against the directory of the file they are written in (the working directory for text configs).
 */
public final class FrontDoorBinder {

    /** The keys this binder reads, for the loader's unknown-key check. */
    public static final Set<String> KEYS = Set.of("tls", "redirect-https", "redirect-https-port", "response-headers",
            "served-by-header", "trusted-proxies", "proxy-protocol");

    static final Set<String> TLS_KEYS = Set.of("cert", "key", "bundle", "protocols", "ciphers",
            "reload-check-interval");

    private static final String TLS_EXPECTED = "expected tls { cert = \"/etc/letsencrypt/live/example.com/"
            + "fullchain.pem\", key = \"/etc/letsencrypt/live/example.com/privkey.pem\" } or tls { bundle = "
            + "\"/etc/haproxy/certs/example.com.pem\" } (chain and key in one file, as HAProxy's crt), or null "
            + "for plain http";
    private static final String REDIRECT_EXPECTED = "expected off, or the redirect status 301, 302, 303, 307 or 308";
    private static final String HEADERS_EXPECTED = "expected response-headers { set { \"Strict-Transport-Security\" "
            + "= \"max-age=63072000\" }, add { \"X-Frame-Options\" = \"SAMEORIGIN\" } }";
    private static final String HEADER_MAP_EXPECTED = "expected an object of header name = \"value\", such as "
            + "{ \"Strict-Transport-Security\" = \"max-age=63072000; includeSubDomains; preload\" }";
    private static final String PROXIES_EXPECTED = "expected a list of addresses and networks, such as "
            + "[\"10.0.0.0/8\", \"192.168.1.10\", \"fd00::/8\"]";

    private FrontDoorBinder() {}

    /**
     * Binds one listener, reporting into the section's {@link Problems}.
     *
     * @param listener the listener's section with its defaults already merged in
     * @return the front-door settings, or null when a problem was reported
     */
    static FrontDoorConfig bind(ConfigSection listener) {
        Problems problems = listener.problems();
        int before = problems.reported();
        TlsConfig tls = bindTls(listener);
        int redirect = bindRedirect(listener);
        Integer redirectPort = listener.isSet("redirect-https-port")
                ? listener.integer("redirect-https-port", 1, 65535) : Integer.valueOf(443);
        ResponseHeaderRules headers = bindHeaders(listener);
        CidrSet trusted = bindTrustedProxies(listener);
        Boolean proxyProtocol = listener.isSet("proxy-protocol") ? listener.bool("proxy-protocol") : Boolean.FALSE;
        Boolean servedBy = listener.isSet("served-by-header") ? listener.bool("served-by-header") : Boolean.FALSE;
        if (problems.reported() != before) {
            return null;
        }
        if (redirect != 0 && tls != null) {
            listener.problem("redirect-https", "a listener with tls would redirect https to itself forever; "
                    + "expected redirect-https only on the plain-http listener");
            return null;
        }
        if (proxyProtocol && trusted.isEmpty()) {
            listener.problem("proxy-protocol", "needs trusted-proxies: expected the addresses of the load balancers "
                    + "that send the PROXY header, e.g. trusted-proxies = [\"10.0.0.0/8\"]");
            return null;
        }
        ResponseHeaderRules rules = new ResponseHeaderRules(headers.add(), headers.set(), servedBy);
        try {
            return new FrontDoorConfig(tls, redirect, redirectPort, rules, trusted, proxyProtocol);
        } catch (IllegalArgumentException e) {
            listener.problem(e.getMessage());
            return null;
        }
    }

    /**
     * Binds a listener given as a plain {@link Config}, for callers outside this package.
     *
     * @param listener the listener's object, defaults merged in
     * @param path its display path, e.g. {@code tether.listeners[0]}
     * @param problems receives one message per problem: {@code file:line: key = value (expected ...)}
     * @return the settings, or null when a problem was reported
     */
    public static FrontDoorConfig bind(Config listener, String path, Consumer<String> problems) {
        Problems collected = new Problems();
        FrontDoorConfig config = bind(new ConfigSection(listener.root(), path, listener.origin(), collected));
        for (ConfigProblem problem : collected.list()) {
            problems.accept(problem.message());
        }
        return config;
    }

    private static TlsConfig bindTls(ConfigSection listener) {
        ConfigSection tls = listener.optionalSection("tls", TLS_EXPECTED);
        if (tls == null) {
            return null;
        }
        tls.checkKeys(TLS_KEYS);
        boolean bundle = tls.isSet("bundle");
        boolean cert = tls.isSet("cert");
        boolean key = tls.isSet("key");
        Path certPath = null;
        Path keyPath = null;
        if (bundle && (cert || key)) {
            tls.problem(cert ? "cert" : "key", "tls takes either bundle or cert and key, not both; " + TLS_EXPECTED);
        } else if (bundle) {
            certPath = keyPath = file(tls, "bundle");
        } else if (cert || key) {
            if (!key) {
                tls.problem("key", "missing; expected key = \"privkey.pem\" beside cert, or one bundle = \"site.pem\" "
                        + "holding chain and key");
            } else if (!cert) {
                tls.problem("cert", "missing; expected cert = \"fullchain.pem\" beside key, or one bundle = "
                        + "\"site.pem\" holding chain and key");
            } else {
                certPath = file(tls, "cert");
                keyPath = file(tls, "key");
            }
        } else {
            tls.problem("missing certificate; " + TLS_EXPECTED);
        }
        List<String> protocols = tls.isSet("protocols") ? strings(tls, "protocols",
                "expected [TLSv1.3, TLSv1.2] or one of them") : TlsConfig.DEFAULT_PROTOCOLS;
        if (protocols != null) {
            for (String protocol : protocols) {
                if (!TlsConfig.SUPPORTED_PROTOCOLS.contains(protocol)) {
                    tls.problem("protocols", "\"" + protocol + "\" is not supported; expected TLSv1.3 and/or TLSv1.2");
                }
            }
            if (protocols.isEmpty()) {
                tls.problem("protocols", "expected [TLSv1.3, TLSv1.2] or one of them");
            }
        }
        List<String> ciphers = tls.isSet("ciphers") ? strings(tls, "ciphers",
                "expected IANA cipher suite names such as [TLS_AES_128_GCM_SHA256, "
                        + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]") : TlsConfig.DEFAULT_CIPHERS;
        if (ciphers != null && ciphers.isEmpty()) {
            tls.problem("ciphers", "expected at least one cipher suite, or leave ciphers out for the defaults");
        }
        Duration interval = tls.isSet("reload-check-interval")
                ? tls.duration("reload-check-interval", Duration.ZERO) : TlsConfig.DEFAULT_RELOAD_CHECK_INTERVAL;
        if (certPath == null || keyPath == null || protocols == null || ciphers == null || interval == null) {
            return null;
        }
        try {
            return new TlsConfig(certPath, keyPath, protocols, ciphers, interval);
        } catch (IllegalArgumentException e) {
            tls.problem(e.getMessage());
            return null;
        }
    }

    /** A readable file; relative to the directory of the configuration file the value is written in. */
    private static Path file(ConfigSection section, String key) {
        ConfigValue value = section.raw(key);
        if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
            section.problem(key, "expected the path of a PEM file, such as \"/etc/letsencrypt/live/example.com/"
                    + (key.equals("key") ? "privkey" : "fullchain") + ".pem\"");
            return null;
        }
        Path path = Path.of((String) value.unwrapped());
        if (!path.isAbsolute() && value.origin().filename() != null) {
            Path dir = Path.of(value.origin().filename()).toAbsolutePath().getParent();
            if (dir != null) {
                path = dir.resolve(path);
            }
        }
        path = path.normalize();
        if (!Files.isRegularFile(path)) {
            section.problem(key, "no such file: " + path + " (expected a PEM file; relative paths start from the "
                    + "directory of this configuration file)");
            return null;
        }
        if (!Files.isReadable(path)) {
            section.problem(key, path + " is not readable by this user (expected read permission for Tether's user)");
            return null;
        }
        return path;
    }

    private static int bindRedirect(ConfigSection listener) {
        ConfigValue value = listener.raw("redirect-https");
        if (value == null || value.valueType() == ConfigValueType.NULL) {
            return 0;
        }
        if (value.valueType() == ConfigValueType.BOOLEAN && !((Boolean) value.unwrapped())) {
            return 0;
        }
        if (value.valueType() == ConfigValueType.STRING && Set.of("off", "no", "false")
                .contains(((String) value.unwrapped()).trim())) {
            return 0;
        }
        Object raw = value.unwrapped();
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && (n.intValue() == 0 || HttpsRedirectHandler.STATUSES.contains(n.intValue()))) {
            return n.intValue();
        }
        if (raw instanceof String s && s.trim().matches("\\d{3}")
                && HttpsRedirectHandler.STATUSES.contains(Integer.parseInt(s.trim()))) {
            return Integer.parseInt(s.trim());
        }
        listener.problem("redirect-https", REDIRECT_EXPECTED);
        return 0;
    }

    private static ResponseHeaderRules bindHeaders(ConfigSection listener) {
        ConfigSection section = listener.optionalSection("response-headers", HEADERS_EXPECTED);
        if (section == null) {
            return ResponseHeaderRules.none();
        }
        section.checkKeys(Set.of("add", "set"));
        return new ResponseHeaderRules(headerList(section, "add"), headerList(section, "set"), false);
    }

    private static List<ResponseHeaderRules.Header> headerList(ConfigSection headers, String key) {
        ConfigSection section = headers.optionalSection(key, HEADER_MAP_EXPECTED);
        if (section == null) {
            return List.of();
        }
        List<ResponseHeaderRules.Header> result = new ArrayList<>();
        ConfigObject object = section.object();
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String name = entry.getKey();
            ConfigValue value = entry.getValue();
            List<ConfigValue> values = new ArrayList<>();
            if (value.valueType() == ConfigValueType.LIST && key.equals("add")) {
                values.addAll((ConfigList) value);
            } else {
                values.add(value);
            }
            for (ConfigValue v : values) {
                if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
                    section.problem(name, key.equals("add")
                            ? "expected a header value in quotes, or a list of them" : HEADER_MAP_EXPECTED);
                    continue;
                }
                String text = String.valueOf(v.unwrapped());
                String problem = ResponseHeaderRules.problem(name, text);
                if (problem != null) {
                    section.problem(name, problem);
                } else {
                    result.add(ResponseHeaderRules.Header.of(name, text));
                }
            }
        }
        return result;
    }

    private static CidrSet bindTrustedProxies(ConfigSection listener) {
        if (!listener.isSet("trusted-proxies")) {
            return CidrSet.empty();
        }
        List<String> entries = strings(listener, "trusted-proxies", PROXIES_EXPECTED);
        if (entries == null) {
            return CidrSet.empty();
        }
        ConfigValue raw = listener.raw("trusted-proxies");
        boolean ok = true;
        for (int i = 0; i < entries.size(); i++) {
            String problem = CidrSet.check(entries.get(i));
            if (problem == null) {
                continue;
            }
            ok = false;
            if (raw instanceof ConfigList list) {
                listener.problems().add(list.get(i).origin(), listener.path("trusted-proxies") + "[" + i + "]",
                        ConfigSection.render(list.get(i)), problem);
            } else {
                listener.problem("trusted-proxies", problem);
            }
        }
        return ok ? CidrSet.parse(entries) : CidrSet.empty();
    }

    /** A list of strings (a single string is taken as a list of one); null and a problem otherwise. */
    private static List<String> strings(ConfigSection section, String key, String expected) {
        ConfigValue value = section.raw(key);
        if (value.valueType() == ConfigValueType.STRING) {
            return List.of((String) value.unwrapped());
        }
        if (value.valueType() != ConfigValueType.LIST) {
            section.problem(key, expected);
            return null;
        }
        List<String> result = new ArrayList<>();
        for (ConfigValue element : (ConfigList) value) {
            if (element.valueType() != ConfigValueType.STRING) {
                section.problem(key, expected);
                return null;
            }
            result.add((String) element.unwrapped());
        }
        return result;
    }
}

package dev.tether.core.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.tether.core.config.FrontDoorBinder;
import dev.tether.core.tls.TlsConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The listener keys of docs/front-door.md, through {@link FrontDoorBinder}'s public entry point. */
class FrontDoorBinderTest {

    @TempDir
    static Path dir;

    static Path cert;
    static Path key;

    @BeforeAll
    static void files() throws Exception {
        // the binder only checks the files exist; ReloadingSslContext parses them at start
        cert = Files.writeString(dir.resolve("fullchain.pem"), "x");
        key = Files.writeString(dir.resolve("privkey.pem"), "x");
        Files.writeString(dir.resolve("site.pem"), "x");
    }

    private final List<String> problems = new ArrayList<>();

    private FrontDoorConfig bind(String hocon) {
        Config config = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("t.conf"));
        return FrontDoorBinder.bind(config, "tether.listeners[0]", problems::add);
    }

    @Test
    void nothingSetIsPlainHttp() {
        assertThat(bind("name = http, port = 80")).isEqualTo(FrontDoorConfig.plain());
        assertThat(problems).isEmpty();
    }

    @Test
    void everyKey() throws Exception {
        FrontDoorConfig config = bind("""
                tls {
                  cert = "%s"
                  key = "%s"
                  protocols = [TLSv1.3]
                  reload-check-interval = 5m
                }
                response-headers {
                  set { "Strict-Transport-Security" = "max-age=63072000; includeSubDomains; preload" }
                  add { Link = ["</a.css>; rel=preload", "</b.js>; rel=preload"], X-Frame-Options = SAMEORIGIN }
                }
                served-by-header = on
                trusted-proxies = ["10.0.0.0/8", "::1"]
                proxy-protocol = on
                """.formatted(cert, key));
        assertThat(problems).isEmpty();
        assertThat(config.tls()).isEqualTo(new TlsConfig(cert, key, List.of("TLSv1.3"), TlsConfig.DEFAULT_CIPHERS,
                Duration.ofMinutes(5)));
        assertThat(config.redirectsToHttps()).isFalse();
        assertThat(config.servedByHeader()).isTrue();
        assertThat(config.proxyProtocol()).isTrue();
        assertThat(config.trustedProxies().contains(InetAddress.getByName("10.9.8.7"))).isTrue();
        assertThat(config.forwardedProto(InetAddress.getByName("203.0.113.1"), null)).isEqualTo("https");

        HttpHeaders headers = new DefaultHttpHeaders();
        config.responseHeaders().apply(headers, "web1");
        assertThat(headers.get("Strict-Transport-Security")).isEqualTo("max-age=63072000; includeSubDomains; preload");
        assertThat(headers.getAll("Link")).containsExactly("</a.css>; rel=preload", "</b.js>; rel=preload");
        assertThat(headers.get("X-Frame-Options")).isEqualTo("SAMEORIGIN");
        assertThat(headers.get("X-Served-By")).isEqualTo("web1");
    }

    @Test
    void redirectListener() throws Exception {
        FrontDoorConfig config = bind("redirect-https = 308, redirect-https-port = 8443, trusted-proxies = \"::1\"");
        assertThat(problems).isEmpty();
        assertThat(config.redirectStatus()).isEqualTo(308);
        assertThat(config.redirectPort()).isEqualTo(8443);
        assertThat(config.newRedirectHandler()).isNotNull();
        assertThat(config.forwardedProto(InetAddress.getByName("::1"), "https")).isEqualTo("https");
        assertThat(config.forwardedProto(InetAddress.getByName("::2"), "https")).isEqualTo("http");
        assertThat(bind("redirect-https = off").redirectStatus()).isZero();
    }

    @Test
    void relativeCertificatePathsStartAtTheConfigFile() throws Exception {
        Path conf = Files.writeString(dir.resolve("listener.conf"), "tls { bundle = \"site.pem\" }\n");
        FrontDoorConfig config = FrontDoorBinder.bind(ConfigFactory.parseFile(conf.toFile()), "l", problems::add);
        assertThat(problems).isEmpty();
        assertThat(config.tls().certChain()).isEqualTo(dir.resolve("site.pem"));
        assertThat(config.tls().isBundle()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tls { cert = \"CERT\" }"
            + " | t.conf:1: tether.listeners[0].tls.key (missing; expected key = \"privkey.pem\" beside cert",
        "tls { key = \"KEY\" }"
            + " | t.conf:1: tether.listeners[0].tls.cert (missing; expected cert = \"fullchain.pem\" beside key",
        "tls { bundle = \"CERT\", cert = \"CERT\" }"
            + " | tether.listeners[0].tls.cert = \"CERT\" (tls takes either bundle or cert and key, not both",
        "tls { }"
            + " | t.conf:1: tether.listeners[0].tls (missing certificate; expected tls { cert = ",
        "tls = \"site.pem\""
            + " | tether.listeners[0].tls = \"site.pem\" (expected tls { cert = ",
        "tls { bundle = \"nope.pem\" }"
            + " | tether.listeners[0].tls.bundle = \"nope.pem\" (no such file: ",
        "tls { bundel = \"CERT\" }"
            + " | tether.listeners[0].tls.bundel = \"CERT\" (unknown key; did you mean bundle?)",
        "tls { bundle = \"CERT\", protocols = [TLSv1.1] }"
            + " | tls.protocols = [\"TLSv1.1\"] (\"TLSv1.1\" is not supported; expected TLSv1.3 and/or TLSv1.2)",
        "tls { bundle = \"CERT\", reload-check-interval = often }"
            + " | tls.reload-check-interval = \"often\" (expected a duration such as 500ms",
        "redirect-https = 200"
            + " | tether.listeners[0].redirect-https = 200 (expected off, or the redirect status 301, 302",
        "redirect-https = 301, tls { bundle = \"CERT\" }"
            + " | redirect-https = 301 (a listener with tls would redirect https to itself forever",
        "redirect-https-port = 70000"
            + " | redirect-https-port = 70000 (expected an integer 1..65535)",
        "trusted-proxies = [\"10.0.0.0/8\", \"10.0.0.1/8\", \"proxy.example\"]"
            + " | t.conf:1: tether.listeners[0].trusted-proxies[1] = \"10.0.0.1/8\" (\"10.0.0.1/8\" has bits set",
        "trusted-proxies = [\"10.0.0.0/8\", \"10.0.0.1/8\", \"proxy.example\"]"
            + " | trusted-proxies[2] = \"proxy.example\" (\"proxy.example\" is not an IP address or network",
        "trusted-proxies = 10"
            + " | trusted-proxies = 10 (expected a list of addresses and networks",
        "proxy-protocol = on"
            + " | proxy-protocol = \"on\" (needs trusted-proxies: expected the addresses of the load balancers",
        "proxy-protocol = maybe"
            + " | proxy-protocol = \"maybe\" (expected on or off)",
        "served-by-header = 1x"
            + " | served-by-header = \"1x\" (expected on or off)",
        "response-headers { set { \"X-A\" = \"a\\r\\nSet-Cookie: b\" } }"
            + " | response-headers.set.X-A = \"a\\r\\nSet-Cookie: b\" (header X-A: value \"a\\r\\nSet-Cookie: b\" has CR",
        "response-headers { set { \"X A\" = b } }"
            + " | response-headers.set.\"X A\" = \"b\" (header name \"X A\" has a space at position 1",
        "response-headers { set { X-A = [a, b] } }"
            + " | response-headers.set.X-A = [\"a\",\"b\"] (expected an object of header name = \"value\"",
        "response-headers { replace { X-A = b } }"
            + " | response-headers.replace = {\"X-A\":\"b\"} (unknown key; expected one of add, set)",
    })
    void problemsNameTheKeyAndWhatToWrite(String hocon, String message) {
        FrontDoorConfig config = bind(hocon.replace("CERT", cert.toString()).replace("KEY", key.toString()));
        assertThat(config).isNull();
        String expected = message.replace("CERT", cert.toString());
        assertThat(problems).anySatisfy(problem -> assertThat(problem).contains(expected));
    }
}

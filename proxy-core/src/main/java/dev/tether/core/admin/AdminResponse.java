package dev.tether.core.admin;

import java.nio.charset.StandardCharsets;

/**
 * What an endpoint answers. The server adds length, connection handling and drops the body for {@code HEAD}.
 *
 * @param status HTTP status code
 * @param contentType value of the {@code Content-Type} header
 * @param body response body
 */
public record AdminResponse(int status, String contentType, byte[] body) {

    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";
    public static final String JSON = "application/json; charset=utf-8";

    public static AdminResponse of(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static AdminResponse text(int status, String body) {
        return of(status, TEXT, body.endsWith("\n") ? body : body + "\n");
    }

    /** 405 for an endpoint that only reads. */
    public static AdminResponse onlyGet() {
        return text(405, "405 Method Not Allowed: use GET or HEAD");
    }
}

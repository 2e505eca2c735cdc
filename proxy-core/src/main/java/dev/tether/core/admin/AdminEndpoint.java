package dev.tether.core.admin;

/**
 * One path of the admin listener. Runs on the admin event loop after the CIDR and auth checks: it must answer
 * from memory and not block (no file or network I/O, no waiting on locks).
 */
@FunctionalInterface
public interface AdminEndpoint {
    AdminResponse handle(AdminRequest request);
}

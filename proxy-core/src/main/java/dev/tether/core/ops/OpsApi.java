package dev.tether.core.ops;

import dev.tether.core.Tether;
import dev.tether.core.admin.AdminRequest;
import dev.tether.core.admin.AdminResponse;
import dev.tether.core.admin.AdminServer;
import dev.tether.core.log.Json;
import dev.tether.health.AdminState;
import dev.tether.routing.RouteDecision;
import dev.tether.routing.RoutingTable;
import dev.tether.routing.config.BackendConfig;
import dev.tether.routing.model.Server;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime control API on the admin listener, behind the same CIDR list and basic auth as the stats page:
 *
 * <pre>
 *   GET  /api/servers                              every backend and server: state, admin state, health, weight,
 *                                                  requests in flight
 *   POST /api/servers/{backend}/{server}/state     body or ?state= ready | drain | maint
 *   POST /api/servers/{backend}/{server}/weight    ?value=N (0..256): a runtime weight, until the next reload
 *   GET  /api/route?path=/x&amp;method=GET&amp;host=h&amp;cookie=NAME=VALUE&amp;header=Name:value
 *                                                  where that request would go (a dry run of the router)
 *   POST /api/reload                               reload the configuration file; answers 202 with the reload id
 *   GET  /api/reload                               the last reload: id, state, summary, errors
 *   GET  /api/pins[?limit=N]                       shard keys kept on their old server after a map change
 *   POST /api/pins/release?rule=R&amp;key=UUID         move one key now (its old server was restarted)
 *   POST /api/pins/release?moved=all[&amp;rule=R]       move every such key now
 * </pre>
 *
 * <p>The admin listener matches exact paths, so the per-server paths are registered for every server of the current
 * table, again after each reload. Every endpoint answers from memory; a reload runs on its own thread.
 */
public final class OpsApi {

    private static final Logger log = LoggerFactory.getLogger(OpsApi.class);

    private final Tether tether;
    private final AdminServer admin;
    private final DryRun dryRun;

    private OpsApi(Tether tether, AdminServer admin) {
        this.tether = tether;
        this.admin = admin;
        this.dryRun = new DryRun(tether.server().inFlight(), tether.shardPins().readOnly());
    }

    /** Adds the API to {@code admin}. */
    public static OpsApi register(Tether tether, AdminServer admin) {
        OpsApi api = new OpsApi(tether, admin);
        admin.endpoint("/api/servers", api::servers);
        admin.endpoint("/api/route", api::route);
        admin.endpoint("/api/reload", api::reload);
        admin.endpoint("/api/pins", api::pins);
        admin.endpoint("/api/pins/release", api::releasePin);
        api.registerServers(tether.server().tables().get());
        return api;
    }

    /** Registers the per-server paths of every server of {@code table}; paths of removed servers answer 404. */
    public void registerServers(RoutingTable table) {
        for (BackendConfig b : table.config().backends()) {
            for (Server s : table.servers(b.name())) {
                String base = "/api/servers/" + b.name() + "/" + s.name();
                admin.endpoint(base + "/state", request -> state(request, b.name(), s.name()));
                admin.endpoint(base + "/weight", request -> weight(request, b.name(), s.name()));
            }
        }
    }

    private AdminResponse servers(AdminRequest request) {
        if (!request.isRead()) {
            return AdminResponse.onlyGet();
        }
        RoutingTable table = tether.server().tables().get();
        StringBuilder out = new StringBuilder(512);
        out.append("{\"backends\":[");
        List<BackendConfig> backends = table.config().backends();
        for (int b = 0; b < backends.size(); b++) {
            String name = backends.get(b).name();
            out.append(b == 0 ? "" : ",").append("{\"name\":");
            Json.string(out, name);
            out.append(",\"servers\":[");
            List<Server> servers = table.servers(name);
            for (int i = 0; i < servers.size(); i++) {
                out.append(i == 0 ? "" : ",");
                server(out, servers.get(i));
            }
            out.append("]}");
        }
        return AdminResponse.of(200, AdminResponse.JSON, out.append("]}\n").toString());
    }

    private void server(StringBuilder out, Server s) {
        out.append("{\"name\":");
        Json.string(out, s.name());
        out.append(",\"address\":");
        Json.string(out, s.host() + ":" + s.port());
        out.append(",\"state\":");
        Json.string(out, s.state().name());
        out.append(",\"admin\":");
        Json.string(out, tether.adminState(s.backend(), s.name()).name());
        out.append(",\"health\":");
        Json.string(out, tether.health(s.backend(), s.name()));
        out.append(",\"weight\":").append(s.config().weight());
        out.append(",\"backup\":").append(s.config().backup());
        out.append(",\"inFlight\":").append(tether.server().inFlight().inFlight(s.id()));
        out.append('}');
    }

    private AdminResponse state(AdminRequest request, String backend, String name) {
        if (!request.method().equals("POST")) {
            return AdminResponse.text(405, "405 Method Not Allowed: POST ready, drain or maint");
        }
        if (tether.server().tables().get().server(backend, name) == null) {
            return AdminResponse.text(404, "404 Not Found: no server " + backend + "/" + name);
        }
        String value = request.param("state");
        if (value == null) {
            value = request.body().strip();
        }
        AdminState state;
        try {
            state = AdminState.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return AdminResponse.text(400, "400 Bad Request: state = '" + value + "' (expected ready, drain or maint)");
        }
        tether.setAdminState(backend, name, state);
        log.info("admin API: server {}/{} set to {}", backend, name, state);
        return serverJson(backend, name);
    }

    private AdminResponse weight(AdminRequest request, String backend, String name) {
        if (!request.method().equals("POST")) {
            return AdminResponse.text(405, "405 Method Not Allowed: POST ?value=N");
        }
        String value = request.param("value");
        if (value == null) {
            value = request.body().strip();
        }
        int weight;
        try {
            weight = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            weight = -1;
        }
        if (weight < 0 || weight > 256) {
            return AdminResponse.text(400, "400 Bad Request: value = '" + value + "' (expected 0..256)");
        }
        try {
            if (!tether.setWeight(backend, name, weight)) {
                return AdminResponse.text(404, "404 Not Found: no server " + backend + "/" + name);
            }
        } catch (IllegalStateException e) {
            return AdminResponse.text(409, "409 Conflict: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return AdminResponse.text(400, "400 Bad Request: weight " + weight + " for " + backend + "/" + name
                    + " leaves the routing table invalid: " + e.getMessage());
        }
        log.info("admin API: server {}/{} weight set to {}", backend, name, weight);
        return serverJson(backend, name);
    }

    private AdminResponse serverJson(String backend, String name) {
        Server s = tether.server().tables().get().server(backend, name);
        if (s == null) {
            return AdminResponse.text(404, "404 Not Found: no server " + backend + "/" + name);
        }
        StringBuilder out = new StringBuilder(256).append("{\"backend\":");
        Json.string(out, backend);
        out.append(",\"server\":");
        server(out, s);
        return AdminResponse.of(200, AdminResponse.JSON, out.append("}\n").toString());
    }

    private AdminResponse route(AdminRequest request) {
        if (!request.isRead()) {
            return AdminResponse.onlyGet();
        }
        String path = request.param("path");
        if (path == null || !path.startsWith("/")) {
            return AdminResponse.text(400, "400 Bad Request: path = " + path + " (expected a path such as /x?y=1)");
        }
        String method = request.param("method") == null ? "GET" : request.param("method").toUpperCase(Locale.ROOT);
        RouteDecision decision;
        try {
            decision = dryRun.route(tether.server().tables().get(), method, path, request.param("host"),
                    request.params().getOrDefault("cookie", List.of()),
                    request.params().getOrDefault("header", List.of()));
        } catch (IllegalArgumentException e) {
            return AdminResponse.text(400, "400 Bad Request: " + e.getMessage());
        }
        return AdminResponse.of(200, AdminResponse.JSON, DryRun.json(decision));
    }

    private AdminResponse pins(AdminRequest request) {
        if (!request.isRead()) {
            return AdminResponse.onlyGet();
        }
        int limit;
        try {
            limit = request.param("limit") == null ? 1000 : Integer.parseInt(request.param("limit"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1) {
            return AdminResponse.text(400, "400 Bad Request: limit = " + request.param("limit")
                    + " (expected a positive number)");
        }
        ShardPinTable table = tether.shardPins();
        StringBuilder out = new StringBuilder(256).append("{\"pinIdleSeconds\":").append(table.pinIdle().toSeconds())
                .append(",\"keys\":").append(table.size()).append(",\"moved\":[");
        List<ShardPinTable.Pin> moved = table.moved(limit);
        for (int i = 0; i < moved.size(); i++) {
            ShardPinTable.Pin p = moved.get(i);
            out.append(i == 0 ? "" : ",").append("{\"rule\":");
            Json.string(out, p.rule());
            out.append(",\"key\":");
            Json.string(out, p.key());
            out.append(",\"server\":");
            Json.string(out, p.server());
            out.append(",\"mapped\":");
            Json.string(out, p.mapped());
            out.append(",\"idleSeconds\":").append(p.idle().toSeconds()).append('}');
        }
        return AdminResponse.of(200, AdminResponse.JSON, out.append("]}\n").toString());
    }

    private AdminResponse releasePin(AdminRequest request) {
        if (!request.method().equals("POST")) {
            return AdminResponse.text(405, "405 Method Not Allowed: POST ?rule=R&key=UUID or ?moved=all");
        }
        String rule = request.param("rule");
        if ("all".equals(request.param("moved"))) {
            int released = tether.shardPins().releaseMoved(rule);
            log.info("admin API: released {} moved shard pins{}", released, rule == null ? "" : " of rule " + rule);
            return AdminResponse.of(200, AdminResponse.JSON, "{\"released\":" + released + "}\n");
        }
        String key = request.param("key");
        if (rule == null || key == null) {
            return AdminResponse.text(400, "400 Bad Request: expected ?rule=R&key=UUID or ?moved=all");
        }
        boolean released = tether.shardPins().release(rule, key);
        if (!released) {
            return AdminResponse.text(404, "404 Not Found: no pin for key " + key + " of rule " + rule);
        }
        log.info("admin API: released shard pin {} of rule {}", key, rule);
        return AdminResponse.of(200, AdminResponse.JSON, "{\"released\":1}\n");
    }

    private AdminResponse reload(AdminRequest request) {
        if (request.isRead()) {
            return AdminResponse.of(200, AdminResponse.JSON, tether.lastReload().json());
        }
        if (!request.method().equals("POST")) {
            return AdminResponse.text(405, "405 Method Not Allowed: POST to reload, GET for the last result");
        }
        long id = tether.reloadAsync();
        if (id < 0) {
            return AdminResponse.text(409, "409 Conflict: Tether was not started from a configuration file");
        }
        return AdminResponse.of(202, AdminResponse.JSON, "{\"id\":" + id + "}\n");
    }
}

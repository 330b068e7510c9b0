package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The CloudHub double as a process of its own, for tests that cannot hold it in their JVM (the Karaf
 * integration tests). Everything listens on 127.0.0.1 on free ports unless a bind address is given.
 *
 * <p>Arguments: the file to write the addresses to, the lifetime in seconds (default 300), the address the
 * CloudHub WebSocket and the certificate service bind (default 127.0.0.1; {@code 0.0.0.0} for every address of
 * the host or network namespace the double runs in) and, optionally, the comma-separated addresses its server
 * certificate names besides 127.0.0.1, the first being the one written to the file when the bind address is
 * {@code 0.0.0.0}. The admin endpoint always listens on 127.0.0.1. The file is a
 * properties file written atomically once everything listens: {@code server} (CloudHub WebSocket),
 * {@code cert.server} (certificate service), {@code token} (a join token pinning the double's CA) and
 * {@code admin} (a plain HTTP endpoint). {@code GET http://<admin>/status} answers what the double has seen:
 * <pre>{"connections":1,"sessions":1,"registered":"itest-node","nodes":["itest-node"],"ready":"True","statusReports":2,
 *  "leaseUpdates":3,"keepalives":9,"invalidFrames":0,"invalid":[],"cloudCoreLog":[]}</pre>
 * {@code registered} is the name in the last Node {@code insert} (or null), {@code nodes} the names of every Node
 * the cloud holds, {@code ready} the status of the
 * Ready condition in the last node status patch (or null), {@code cloudCoreLog} what CloudCore would have
 * logged as refused or dropped. {@code POST http://<admin>/push?operation=insert&resource=<ns>/configmap/<name>}
 * with a Kubernetes object as the body pushes it down as CloudCore's edgecontroller does (answers the message
 * id). {@code POST http://<admin>/cluster?operation=apply&resource=services|endpoints|nodes} with an object as the
 * body creates or replaces it in the cluster of the double's DynamicController, which sends it to the nodes that
 * watch that resource, as CloudCore does ({@code operation=delete&resource=…&namespace=…&name=…} deletes; answers
 * the resourceVersion, or whether it was there). {@code POST http://<admin>/accepting?value=false} cuts the cloud (drops the sessions and refuses new
 * ones until {@code value=true}).
 *
 * <p>The process ends when its stdin closes (the test that started it is gone) or when its lifetime is over.
 */
public final class CloudHubDoubleMain {

    private CloudHubDoubleMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long lifetimeSeconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
        String bindAddress = args.length > 2 ? args[2] : "127.0.0.1";
        String[] advertised = args.length > 3 ? args[3].split(",") : new String[0];
        CloudHubDouble cloud = new CloudHubDouble(bindAddress, advertised);
        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        admin.createContext("/status", exchange -> {
            byte[] body = MessageCodec.mapper().writeValueAsBytes(status(cloud));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        admin.createContext("/push", exchange -> {
            // POST /push?operation=insert&resource=<ns>/configmap/<name>, the object as the body
            Map<String, String> parameters = parameters(exchange.getRequestURI().getQuery());
            String operation = parameters.get("operation");
            String resource = parameters.get("resource");
            byte[] answer;
            int code;
            try {
                JsonNode object = MessageCodec.mapper().readTree(exchange.getRequestBody());
                if (!"POST".equals(exchange.getRequestMethod()) || operation == null || resource == null
                        || !object.isObject()) {
                    throw new IllegalArgumentException("POST /push?operation=OP&resource=NS/KIND/NAME with an object");
                }
                answer = cloud.pushObject(operation, resource, object).getBytes(StandardCharsets.UTF_8);
                code = 200;
            } catch (Exception e) {
                answer = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
                code = 400;
            }
            reply(exchange, code, answer);
        });
        admin.createContext("/cluster", exchange -> {
            // POST /cluster?operation=apply&resource=services, the object as the body: created or replaced in the
            // cluster, and sent to the nodes that watch it (DynamicController); operation=delete&namespace=&name=
            Map<String, String> parameters = parameters(exchange.getRequestURI().getQuery());
            byte[] answer;
            int code = 200;
            try {
                String resource = parameters.getOrDefault("resource", "");
                if (!"POST".equals(exchange.getRequestMethod())
                        || !DynamicControllerDouble.KINDS.containsKey(resource)) {
                    throw new IllegalArgumentException("POST /cluster?operation=apply|delete&resource=services|"
                            + "endpoints|nodes");
                }
                if ("apply".equals(parameters.get("operation"))) {
                    JsonNode object = MessageCodec.mapper().readTree(exchange.getRequestBody());
                    if (!(object instanceof ObjectNode node)) {
                        throw new IllegalArgumentException("apply needs an object as the body");
                    }
                    answer = cloud.dynamic.apply(resource, node).path("metadata").path("resourceVersion").asText()
                            .getBytes(StandardCharsets.UTF_8);
                } else if ("delete".equals(parameters.get("operation"))) {
                    boolean deleted = cloud.dynamic.remove(resource, parameters.getOrDefault("namespace", ""),
                            parameters.getOrDefault("name", ""));
                    answer = String.valueOf(deleted).getBytes(StandardCharsets.UTF_8);
                } else {
                    throw new IllegalArgumentException("operation must be apply or delete");
                }
            } catch (Exception e) {
                answer = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
                code = 400;
            }
            reply(exchange, code, answer);
        });
        admin.createContext("/accepting", exchange -> {
            // POST /accepting?value=false: the cloud goes away (sessions dropped, new ones refused); true: back
            String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
            int code = 400;
            if ("POST".equals(exchange.getRequestMethod()) && query.matches("value=(true|false)")) {
                boolean accepting = query.endsWith("true");
                cloud.accepting = accepting;
                if (!accepting) {
                    cloud.dropSessions();
                }
                code = 204;
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        admin.start();

        Properties properties = new Properties();
        properties.setProperty("server", cloud.webSocketAddress());
        properties.setProperty("cert.server", cloud.certAddress());
        properties.setProperty("token", cloud.pki.token());
        properties.setProperty("admin", "127.0.0.1:" + admin.getAddress().getPort());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            properties.store(out, "CloudHub double");
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("CloudHub double: " + properties);
        System.out.flush();

        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is expected on stdin; its end means the parent is gone
                }
            } catch (Exception e) {
                // same
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(lifetimeSeconds));
        admin.stop(0);
        cloud.close();
        Runtime.getRuntime().halt(0);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int code, byte[] answer)
            throws java.io.IOException {
        exchange.sendResponseHeaders(code, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new java.util.HashMap<>();
        for (String pair : (query == null ? "" : query).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parameters.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return parameters;
    }

    static ObjectNode status(CloudHubDouble cloud) {
        ObjectNode status = MessageCodec.mapper().createObjectNode();
        status.put("connections", cloud.connections.get());
        status.put("sessions", cloud.sessionCount());
        String registered = null;
        String ready = null;
        int statusReports = 0;
        int leaseUpdates = 0;
        int keepalives = 0;
        for (Message message : List.copyOf(cloud.received)) {
            String[] path = message.resource().split("/");
            if (message.operation().equals(Routes.KEEPALIVE)) {
                keepalives++;
            } else if (path.length == 3 && path[1].equals("node") && message.operation().equals(Routes.INSERT)) {
                registered = path[2];
            } else if (path.length == 3 && path[1].equals("nodepatch") && message.operation().equals(Routes.PATCH)) {
                statusReports++;
                JsonNode conditions = ContentDecoder.object(message.content())
                        .map(patch -> patch.path("status").path("conditions")).orElse(null);
                if (conditions != null) {
                    for (JsonNode condition : conditions) {
                        if ("Ready".equals(condition.path("type").asText())) {
                            ready = condition.path("status").asText();
                        }
                    }
                }
            } else if (path.length == 3 && path[1].equals("lease")
                    && (message.operation().equals(Routes.INSERT) || message.operation().equals(Routes.UPDATE))) {
                leaseUpdates++;
            }
        }
        status.put("registered", registered);
        cloud.nodes.keySet().stream().sorted().forEach(status.putArray("nodes")::add);
        status.put("ready", ready);
        status.put("statusReports", statusReports);
        status.put("leaseUpdates", leaseUpdates);
        status.put("keepalives", keepalives);
        status.put("invalidFrames", cloud.invalidFrames.get());
        cloud.invalidReasons.forEach(status.putArray("invalid")::add);
        cloud.cloudCoreLog.forEach(status.putArray("cloudCoreLog")::add);
        return status;
    }
}

package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.karedge.api.access.RateLimitedLog;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the requests of the edge-local Kubernetes API: discovery, then list, get and watch of the
 * MetaStore's objects at the paths the Kubernetes API uses, as JSON objects or as Tables, and writes
 * (create, replace, patch, delete), which {@link ObjectWriter} carries out or refuses.
 */
final class KubeApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(KubeApiHandler.class);
    private static final String JSON = "application/json";
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

    private final MetaStore store;
    private final KubeApiSettings settings;
    private final String serverAddress;
    private final Clock clock;
    private final Semaphore watchPermits;
    private final Set<WatchSession> watches = ConcurrentHashMap.newKeySet();
    private final java.util.function.Supplier<LivePodStatus> live;
    private final ObjectWriter writer;
    private final RequestGate gate;
    private final RateLimitedLog failures = new RateLimitedLog(KubeApiHandler.class);

    KubeApiHandler(MetaStore store, KubeApiSettings settings, String serverAddress, Clock clock,
                   java.util.function.Supplier<LivePodStatus> live, ObjectWriter writer, RequestGate gate) {
        this.live = live;
        this.gate = gate;
        this.writer = writer;
        this.store = store;
        this.settings = settings;
        this.serverAddress = serverAddress;
        this.clock = clock;
        this.watchPermits = new Semaphore(settings.watchMax());
    }

    /** Ends every open watch without an error event. */
    void stopWatches() {
        watches.forEach(WatchSession::stop);
    }

    int openWatches() {
        return watches.size();
    }

    /**
     * Checks a request as soon as its head is read (see {@link RequestGate}); a refused one is answered here.
     * Runs on the connection's event-loop thread: nothing in it blocks.
     *
     * @return whether the request may be {@linkplain #serve served}
     */
    boolean admit(HttpExchange exchange) {
        try {
            gate.check(exchange);
            return true;
        } catch (KubeStatusException e) {
            exchange.getResponseHeaders().set("Connection", "close");
            sendStatus(exchange, e);
            exchange.close();
            return false;
        }
    }

    /** Answers an admitted request, on one of the API's threads; the exchange is closed when it returns. */
    void serve(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (KubeStatusException e) {
                sendStatus(exchange, e);
            } catch (IOException e) {
                // the client went away
            } catch (RuntimeException e) {
                failures.warn("{} {} failed: {}", exchange.getRequestMethod(),
                        Query.abbreviate(exchange.getRequestURI().getRawPath()), e.toString());
                sendStatus(exchange, new KubeStatusException(500, "InternalError", "the request failed: "
                        + e.getMessage()));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException, KubeStatusException {
        String path = exchange.getRequestURI().getRawPath();
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(decode(segment));
            }
        }
        int size = segments.size();
        String first = size > 0 ? segments.get(0) : "";
        boolean discovery = size == 0 || first.equals("version") || first.equals("healthz") || first.equals("livez")
                || first.equals("readyz") || (first.equals("api") && size <= 2)
                || (first.equals("apis") && size <= 3);
        if (discovery) {
            requireRead(exchange);
            serveDiscovery(exchange, segments);
        } else if (first.equals("api") && segments.get(1).equals("v1")) {
            serveResource(exchange, "", "v1", segments.subList(2, size));
        } else if (first.equals("apis")) {
            serveResource(exchange, segments.get(1), segments.get(2), segments.subList(3, size));
        } else if (first.equals("openapi")) {
            requireRead(exchange);
            OpenApiDocuments.serve(exchange, segments);
        } else {
            throw notFound();
        }
    }

    /** A path segment as RFC 3986 decodes it ({@code +} stays a plus); a bad escape is a 400. */
    private static String decode(String segment) throws KubeStatusException {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw KubeStatusException.badRequest("the path is not URL-encoded: " + e.getMessage());
        }
    }

    private void serveDiscovery(HttpExchange exchange, List<String> segments) throws IOException,
            KubeStatusException {
        int size = segments.size();
        String first = size > 0 ? segments.get(0) : "";
        ObjectNode body = switch (first) {
            case "" -> rootPaths();
            case "version" -> size == 1 ? Discovery.version() : null;
            case "healthz", "livez", "readyz" -> {
                sendText(exchange, 200, "ok");
                yield null;
            }
            case "api" -> size == 1 ? Discovery.coreVersions(serverAddress)
                    : segments.get(1).equals("v1") ? Discovery.resourceList("", "v1") : null;
            default -> size == 1 ? Discovery.groupList()
                    : size == 2 ? Discovery.group(segments.get(1))
                    : Discovery.resourceList(segments.get(1), segments.get(2));
        };
        if (body != null) {
            sendJson(exchange, 200, JSON, body);
        } else if (!first.equals("healthz") && !first.equals("livez") && !first.equals("readyz")) {
            throw notFound();
        }
    }

    private static ObjectNode rootPaths() {
        ObjectNode root = KaredgeJson.mapper().createObjectNode();
        ArrayNode paths = root.putArray("paths");
        paths.add("/api").add("/api/v1").add("/apis");
        ApiResource.groups().forEach((group, versions) -> {
            paths.add("/apis/" + group);
            versions.forEach(version -> paths.add("/apis/" + group + "/" + version));
        });
        paths.add("/healthz").add("/livez").add("/readyz").add("/version");
        return root;
    }

    /** @param rest the path after the group version: {@code [namespaces/<ns>/]<resource>[/<name>]} */
    private void serveResource(HttpExchange exchange, String group, String version, List<String> rest)
            throws IOException, KubeStatusException {
        String namespace = null;
        List<String> tail = rest;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            namespace = rest.get(1);
            tail = rest.subList(2, rest.size());
        } else if (!rest.isEmpty() && rest.get(0).equals("namespaces")) {
            if (!group.isEmpty()) {
                throw notFound();
            }
            requireRead(exchange);
            serveNamespaces(exchange, rest.size() == 2 ? rest.get(1) : null);
            return;
        }
        boolean write = !READ_METHODS.contains(exchange.getRequestMethod());
        if (tail.isEmpty() || tail.size() > (write ? 3 : 2)) {
            throw notFound();
        }
        ApiResource resource = ApiResource.find(group, version, tail.get(0)).orElseThrow(KubeApiHandler::notFound);
        String name = tail.size() >= 2 ? tail.get(1) : null;
        if ((namespace != null && !resource.namespaced()) || (name != null && namespace == null
                && resource.namespaced())) {
            throw notFound();
        }
        if (write) {
            if (tail.size() == 3) {
                throw new KubeStatusException(405, "MethodNotAllowed", "the " + tail.get(2) + " subresource of "
                        + resource.qualifiedName() + " is not written through the edge-local API (status belongs to "
                        + "the part of the node that runs the object)", details(resource, name));
            }
            new WriteRequest(exchange, writer, resource, namespace, name, settings.requestBodyMaxBytes()).serve();
            return;
        }
        Query query = Query.parse(exchange.getRequestURI().getRawQuery());
        ListOptions options = ListOptions.parse(query, resource.kind(), settings.listPageMax(),
                settings.watchTimeoutSeconds());
        Optional<String> table = tableVersion(exchange.getRequestHeaders().getFirst("Accept"));
        Selector selector = Selector.of(resource.kind(), resource.namespaced() ? namespace : null);
        if (options.watch()) {
            watch(exchange, resource, selector, name, options, table);
        } else if (name != null) {
            get(exchange, resource, namespace, name, options, table);
        } else {
            list(exchange, resource, selector, options, table);
        }
    }

    /**
     * Namespaces are not stored on the node: the ones that hold objects (and {@code default}) are shown as
     * Active, as kubectl checks a namespace when something in it is not found.
     */
    private void serveNamespaces(HttpExchange exchange, String name) throws IOException, KubeStatusException {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        names.add("default");
        ListResult all = store.list(Selector.ALL);
        all.items().forEach(object -> {
            if (!object.key().namespace().isEmpty()) {
                names.add(object.key().namespace());
            }
        });
        if (name != null) {
            if (!names.contains(name)) {
                throw KubeStatusException.notFound("namespaces", "", name);
            }
            sendJson(exchange, 200, JSON, namespace(name));
            return;
        }
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("kind", "NamespaceList");
        list.put("apiVersion", "v1");
        list.putObject("metadata").put("resourceVersion", Long.toString(all.resourceVersion()));
        ArrayNode items = list.putArray("items");
        names.forEach(n -> items.add(namespace(n)));
        sendJson(exchange, 200, JSON, list);
    }

    private static ObjectNode namespace(String name) {
        ObjectNode namespace = KaredgeJson.mapper().createObjectNode();
        namespace.put("apiVersion", "v1");
        namespace.put("kind", "Namespace");
        namespace.putObject("metadata").put("name", name);
        namespace.putObject("status").put("phase", "Active");
        return namespace;
    }

    private void get(HttpExchange exchange, ApiResource resource, String namespace, String name, ListOptions options,
                     Optional<String> table) throws IOException, KubeStatusException {
        checkNotAhead(options);
        StoredObject found = store.get(ObjectKey.of(resource.kind(), resource.namespaced() ? namespace : "", name))
                .orElseThrow(() -> KubeStatusException.notFound(resource.plural(), resource.group(), name));
        ObjectNode served = Objects.served(found, resource, live.get());
        if (table.isPresent()) {
            sendJson(exchange, 200, tableContentType(table.get()), TablePrinter.table(resource.kind(), List.of(served),
                    table.get(), options.includeObject(), Long.toString(found.resourceVersion()), null,
                    clock.instant()));
        } else {
            sendJson(exchange, 200, JSON, served);
        }
    }

    private void list(HttpExchange exchange, ApiResource resource, Selector selector, ListOptions options,
                      Optional<String> table) throws IOException, KubeStatusException {
        ListResult listed = store.list(selector);
        long listVersion = listed.resourceVersion();
        if (options.resourceVersion().isPresent()) {
            long asked = options.resourceVersion().getAsLong();
            if (asked > listVersion) {
                throw tooLarge(asked, listVersion);
            }
            if (options.exact() && asked < listVersion) {
                throw KubeStatusException.expired("too old resource version: " + asked + " (" + listVersion
                        + "): this store serves the current state only");
            }
        }
        ContinueToken after = null;
        if (options.continueToken() != null) {
            after = ContinueToken.decode(options.continueToken());
            if (after.resourceVersion() < store.oldestWatchableVersion() || after.resourceVersion() > listVersion) {
                throw KubeStatusException.expired("The provided continue parameter is too old to display a "
                        + "consistent list result. You can start a new list without the continue parameter.");
            }
            // later pages show the current state; watching from the first page's version replays what changed
            listVersion = after.resourceVersion();
        }
        String exactName = options.fields().exactName();
        LivePodStatus pods = live.get();
        List<ObjectNode> page = new ArrayList<>();
        String next = null;
        StoredObject last = null;
        for (StoredObject object : listed.items()) {
            ObjectKey key = object.key();
            if ((after != null && !after.isBefore(key.namespace(), key.name()))
                    || (exactName != null && !exactName.equals(key.name()))
                    || !options.labels().matches(object.object()) || !options.fields().matches(object.object())) {
                continue;
            }
            if (options.limit() > 0 && page.size() == options.limit()) {
                next = new ContinueToken(listVersion, last.key().namespace(), last.key().name()).encode();
                break;
            }
            page.add(Objects.served(object, resource, pods));
            last = object;
        }
        String version = Long.toString(listVersion);
        if (table.isPresent()) {
            sendJson(exchange, 200, tableContentType(table.get()), TablePrinter.table(resource.kind(), page,
                    table.get(), options.includeObject(), version, next, clock.instant()));
            return;
        }
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("kind", resource.kind() + "List");
        list.put("apiVersion", resource.apiVersion());
        ObjectNode metadata = list.putObject("metadata");
        metadata.put("resourceVersion", version);
        if (next != null) {
            metadata.put("continue", next);
        }
        ArrayNode items = list.putArray("items");
        page.forEach(items::add);
        sendJson(exchange, 200, JSON, list);
    }

    private void watch(HttpExchange exchange, ApiResource resource, Selector selector, String name,
                       ListOptions options, Optional<String> table) throws IOException, KubeStatusException {
        String upgrade = exchange.getRequestHeaders().getFirst("Upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            // watches are served as streaming GETs only; clients that try a WebSocket first (fabric8) take a
            // complete 503 as the sign to fall back to one
            throw new KubeStatusException(503, "ServiceUnavailable", "watch over WebSocket is not served here: "
                    + "watch with a streaming GET");
        }
        if (!watchPermits.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new KubeStatusException(429, "TooManyRequests", "too many open watches (" + settings.watchMax()
                    + ", watch.max); try again later");
        }
        String watchName = name != null ? name : options.fields().exactName();
        WatchSession.Encoder encoder = table.isEmpty() ? served -> served
                : served -> TablePrinter.table(resource.kind(), List.of(served), table.get(), options.includeObject(),
                        null, null, clock.instant());
        WatchSession session = new WatchSession(store, resource, selector, watchName, options, encoder, live,
                settings.watchQueueMax(), Duration.ofSeconds(settings.bookmarkIntervalSeconds()),
                Duration.ofSeconds(settings.keepaliveSeconds()));
        watches.add(session);
        try {
            OutputStream body = exchange.getResponseBody();
            session.run(body, () -> {
                exchange.getResponseHeaders().set("Content-Type", table.map(KubeApiHandler::tableContentType)
                        .orElse(JSON));
                exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
                try {
                    exchange.sendResponseHeaders(200, 0);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            body.flush();
        } catch (java.io.UncheckedIOException e) {
            // the client went away before the headers were sent
        } finally {
            watches.remove(session);
            watchPermits.release();
        }
    }

    private void checkNotAhead(ListOptions options) throws KubeStatusException {
        if (options.resourceVersion().isPresent()) {
            long current = store.resourceVersion();
            if (options.resourceVersion().getAsLong() > current) {
                throw tooLarge(options.resourceVersion().getAsLong(), current);
            }
        }
    }

    private static KubeStatusException tooLarge(long asked, long current) {
        ObjectNode details = KaredgeJson.mapper().createObjectNode();
        details.putArray("causes").addObject().put("reason", "ResourceVersionTooLarge")
                .put("message", "Too large resource version");
        details.put("retryAfterSeconds", 1);
        return new KubeStatusException(504, "Timeout", "Too large resource version: " + asked + ", current: "
                + current, details);
    }

    private static ObjectNode details(ApiResource resource, String name) {
        ObjectNode details = KaredgeJson.mapper().createObjectNode();
        if (name != null) {
            details.put("name", name);
        }
        if (!resource.group().isEmpty()) {
            details.put("group", resource.group());
        }
        details.put("kind", resource.plural());
        return details;
    }

    private static void requireRead(HttpExchange exchange) throws KubeStatusException {
        if (!READ_METHODS.contains(exchange.getRequestMethod())) {
            throw new KubeStatusException(405, "MethodNotAllowed", "the server does not allow this method on the "
                    + "requested resource");
        }
    }

    static KubeStatusException notFound() {
        return new KubeStatusException(404, "NotFound", "the server could not find the requested resource");
    }

    /**
     * @return {@code meta.k8s.io/v1} (or {@code v1beta1}) when the client accepts a Table
     *         ({@code application/json;as=Table;v=v1;g=meta.k8s.io}), empty otherwise
     */
    static Optional<String> tableVersion(String accept) {
        if (accept == null) {
            return Optional.empty();
        }
        for (String range : accept.split(",")) {
            List<String> parameters = Arrays.stream(range.split(";")).map(String::trim).toList();
            if (parameters.contains("as=Table") && parameters.contains("g=meta.k8s.io")) {
                if (parameters.contains("v=v1")) {
                    return Optional.of("meta.k8s.io/v1");
                }
                if (parameters.contains("v=v1beta1")) {
                    return Optional.of("meta.k8s.io/v1beta1");
                }
            }
        }
        return Optional.empty();
    }

    private static String tableContentType(String tableApiVersion) {
        return "application/json;as=Table;v=" + tableApiVersion.substring(tableApiVersion.indexOf('/') + 1)
                + ";g=meta.k8s.io";
    }

    private static void sendStatus(HttpExchange exchange, KubeStatusException status) {
        int retryAfter = status.status().path("details").path("retryAfterSeconds").asInt(0);
        if (retryAfter > 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfter));
        }
        try {
            sendJson(exchange, status.code(), JSON, status.status());
        } catch (IOException e) {
            // the client went away, or the headers were already sent
        }
    }

    static void sendJson(HttpExchange exchange, int code, String contentType, ObjectNode body)
            throws IOException {
        byte[] bytes = KaredgeJson.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void sendText(HttpExchange exchange, int code, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}

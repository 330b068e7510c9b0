package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.Kinds.KindInfo;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * Kubernetes-style read access to the MetaStore: list, get and watch, at the paths kubectl would use.
 * KIND in a path is a plural, a kind or a short name ({@link Kinds#resolve}).
 *
 * <pre>
 * GET /api/v1/{kind}                                   all namespaces (or a cluster-scoped kind)
 * GET /api/v1/{kind}/{name}                            one object of a cluster-scoped kind
 * GET /api/v1/namespaces/{namespace}/{kind}            one namespace
 * GET /api/v1/namespaces/{namespace}/{kind}/{name}     one object
 *     ?watch=true[&amp;resourceVersion=N][&amp;timeoutSeconds=S]   the same, as a stream of events
 * </pre>
 */
@Component(service = ObjectsResource.class)
@JaxrsResource
@JSONRequired
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ObjectsResource {

    private final MetaStore store;
    private final RestLimits limits;
    private final int queueCapacity;
    private final Duration keepAlive;
    private final Set<WatchStream> openWatches = ConcurrentHashMap.newKeySet();

    @Activate
    public ObjectsResource(@Reference(name = "metaStore") MetaStore store,
                           @Reference(name = "limits") RestLimits limits) {
        this(store, limits, WatchStream.DEFAULT_QUEUE_CAPACITY, WatchStream.DEFAULT_KEEP_ALIVE);
    }

    ObjectsResource(MetaStore store, int maxWatches, int queueCapacity, Duration keepAlive) {
        this(store, new RestLimits(RestLimits.DEFAULT_BODY_MAX_BYTES, RestLimits.DEFAULT_WATCH_BUFFER_MAX_BYTES,
                maxWatches), queueCapacity, keepAlive);
    }

    ObjectsResource(MetaStore store, RestLimits limits, int queueCapacity, Duration keepAlive) {
        this.store = store;
        this.limits = limits;
        this.queueCapacity = queueCapacity;
        this.keepAlive = keepAlive;
    }

    @Deactivate
    void deactivate() {
        openWatches.forEach(WatchStream::stop);
    }

    @GET
    @Path("{kind}")
    public Response list(@PathParam("kind") String kind, @QueryParam("watch") String watch,
                         @QueryParam("resourceVersion") String resourceVersion,
                         @QueryParam("timeoutSeconds") String timeoutSeconds) {
        return answer(kind, null, null, watch, resourceVersion, timeoutSeconds);
    }

    @GET
    @Path("{kind}/{name}")
    public Response get(@PathParam("kind") String kind, @PathParam("name") String name,
                        @QueryParam("watch") String watch, @QueryParam("resourceVersion") String resourceVersion,
                        @QueryParam("timeoutSeconds") String timeoutSeconds) {
        return answer(kind, null, name, watch, resourceVersion, timeoutSeconds);
    }

    @GET
    @Path("namespaces/{namespace}/{kind}")
    public Response listNamespaced(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
                                   @QueryParam("watch") String watch,
                                   @QueryParam("resourceVersion") String resourceVersion,
                                   @QueryParam("timeoutSeconds") String timeoutSeconds) {
        return answer(kind, namespace, null, watch, resourceVersion, timeoutSeconds);
    }

    @GET
    @Path("namespaces/{namespace}/{kind}/{name}")
    public Response getNamespaced(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
                                  @PathParam("name") String name, @QueryParam("watch") String watch,
                                  @QueryParam("resourceVersion") String resourceVersion,
                                  @QueryParam("timeoutSeconds") String timeoutSeconds) {
        return answer(kind, namespace, name, watch, resourceVersion, timeoutSeconds);
    }

    /** @return the number of watches streaming or about to stream */
    int openWatchCount() {
        return openWatches.size();
    }

    /**
     * @param namespace the namespace of a {@code /namespaces/{ns}/...} path, or {@code null}
     * @param name      the object's name, or {@code null} for a list
     */
    private Response answer(String typedKind, String namespace, String name, String watch,
                            String resourceVersion, String timeoutSeconds) {
        try {
            KindInfo kind = resolve(typedKind);
            checkScope(kind, namespace, name);
            WatchQuery query = WatchQuery.parse(watch, resourceVersion, timeoutSeconds);
            Selector selector = Selector.of(kind.kind(), kind.namespaced() ? namespace : null);
            if (query.watch()) {
                return watch(selector, name, query);
            }
            checkNotAhead(query);
            if (name != null) {
                ObjectKey key = ObjectKey.of(kind.kind(), kind.namespaced() ? namespace : "", name);
                StoredObject found = store.get(key).orElseThrow(() -> new ApiException(
                        ApiStatus.notFound(kind.plural(), group(kind), name)));
                return Response.ok(found.object(), MediaType.APPLICATION_JSON_TYPE).build();
            }
            return Response.ok(list(kind, store.list(selector)), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (ApiException e) {
            Response response = ApiStatus.response(e.status());
            int retryAfter = e.status().path("details").path("retryAfterSeconds").asInt(0);
            return retryAfter > 0
                    ? Response.fromResponse(response).header("Retry-After", String.valueOf(retryAfter)).build()
                    : response;
        } catch (IllegalArgumentException e) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            return ApiStatus.response(503, ApiStatus.SERVICE_UNAVAILABLE, "the store failed: " + e.getMessage());
        }
    }

    /**
     * A list or get at a resourceVersion the store has not reached is refused as the Kubernetes apiserver
     * refuses one its cache cannot reach: 504 Timeout, cause {@code ResourceVersionTooLarge}, Retry-After 1.
     */
    private void checkNotAhead(WatchQuery query) throws ApiException {
        if (query.resourceVersion().isPresent()) {
            long current = store.resourceVersion();
            if (query.resourceVersion().getAsLong() > current) {
                throw new ApiException(ApiStatus.tooLargeResourceVersion(query.resourceVersion().getAsLong(),
                        current));
            }
        }
    }

    private Response watch(Selector selector, String name, WatchQuery query) {
        if (!limits.tryAcquireWatch()) {
            return limits.tooManyWatches();
        }
        WatchStream stream = new WatchStream(store, selector, name, query.resourceVersion(), query.timeout(),
                queueCapacity, limits.watchBufferMaxBytes(), keepAlive, ended -> {
                    openWatches.remove(ended);
                    limits.releaseWatch();
                });
        openWatches.add(stream);
        try {
            return Response.ok(stream, MediaType.APPLICATION_JSON_TYPE).build();
        } catch (RuntimeException e) {
            stream.end();
            throw e;
        }
    }

    private static KindInfo resolve(String typed) throws ApiException {
        return Kinds.resolve(typed).orElseThrow(() -> new ApiException(404, ApiStatus.NOT_FOUND,
                "the server doesn't have a resource type \"" + typed + "\"; known kinds: " + knownKinds()));
    }

    private static void checkScope(KindInfo kind, String namespace, String name) throws ApiException {
        if (namespace != null && !kind.namespaced()) {
            throw new ApiException(404, ApiStatus.NOT_FOUND, kind.plural() + " are cluster-scoped: use /api/v1/"
                    + kind.plural() + (name == null ? "" : "/" + name));
        }
        if (namespace == null && name != null && kind.namespaced()) {
            throw new ApiException(404, ApiStatus.NOT_FOUND, kind.plural() + " are namespaced: use /api/v1/"
                    + "namespaces/{namespace}/" + kind.plural() + "/" + name);
        }
    }

    private static ObjectNode list(KindInfo kind, ListResult listed) {
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("kind", kind.kind() + "List");
        list.put("apiVersion", kind.apiVersion());
        list.putObject("metadata").put("resourceVersion", String.valueOf(listed.resourceVersion()));
        ArrayNode items = list.putArray("items");
        listed.items().forEach(item -> items.add(item.object()));
        return list;
    }

    private static String group(KindInfo kind) {
        int slash = kind.apiVersion().indexOf('/');
        return slash < 0 ? "" : kind.apiVersion().substring(0, slash);
    }

    private static String knownKinds() {
        List<String> known = new ArrayList<>();
        for (KindInfo info : Kinds.known()) {
            known.add(info.shortNames().isEmpty()
                    ? info.plural() : info.plural() + " (" + String.join(", ", info.shortNames()) + ")");
        }
        return String.join(", ", known);
    }
}

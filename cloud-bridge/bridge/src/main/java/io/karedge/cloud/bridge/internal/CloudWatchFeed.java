package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge half of CloudCore's DynamicController protocol (what EdgeCore's MetaServer agent does for a client
 * that list-watches through it): on every connect the bridge sends a watch sync naming one watch application
 * per configured resource, so CloudCore adds the listeners it lacks (and sends every matching object as an
 * {@code insert}) and drops any other listener of this node, and then one list application per resource, whose
 * answer replaces the objects of that kind the cloud sent earlier. Watch events then arrive as ordinary pushes
 * ({@code insert}/{@code update}/{@code delete} of {@code <ns>/service/<name>}, {@code <ns>/endpoints/<name>},
 * {@code null/node/<name>}, source {@code dynamiccontroller}) and go through {@link Downstream}.
 *
 * <p>A sync or list that fails (no answer, refused) is tried again on the same session after 5 s, doubling to
 * 60 s (logged once at WARN, then at DEBUG); a retried sync does not list again. A new session starts over.
 */
final class CloudWatchFeed {

    static final String SOURCE = "metaserver";
    static final String GROUP = "dynamiccontroller";
    /** The source of the DynamicController's answers and watch events. */
    static final String EVENT_SOURCE = "dynamiccontroller";
    static final String WATCH_SYNC = "watchapp/sync";
    static final String NULL = "null";

    /** Resources that can be watched, with the kind they are stored as. */
    static final Map<String, String> RESOURCES = Map.of(
            "services", Kinds.SERVICE,
            "endpoints", Kinds.ENDPOINTS,
            "nodes", Kinds.NODE);

    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchFeed.class);
    private static final long FIRST_RETRY_MILLIS = 5_000;
    private static final long MAX_RETRY_MILLIS = 60_000;

    private final List<String> resources;
    private final String nodeName;
    private final RemoteQueries queries;
    private final Supplier<Session> session;
    private final Downstream downstream;
    private final ScheduledExecutorService scheduler;
    private final Duration timeout;
    private final CloudWatchStatus status;

    CloudWatchFeed(List<String> resources, String nodeName, RemoteQueries queries, Supplier<Session> session,
                   Downstream downstream, ScheduledExecutorService scheduler, Duration timeout,
                   CloudWatchStatus status) {
        this.resources = List.copyOf(resources);
        this.nodeName = nodeName;
        this.queries = queries;
        this.session = session;
        this.downstream = downstream;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.status = status;
    }

    /** A session started: sync the watches, then list. With no resources, the sync drops earlier watches. */
    void connected(Session current) {
        downstream.connected();
        status.asked();
        sync(current, FIRST_RETRY_MILLIS, true);
    }

    /** The session ended: the watches are no longer in force for this node until the next session asks again. */
    void disconnected(String reason) {
        status.disconnected(reason);
    }

    /** The watch applications this node keeps, by ID, as a watch sync carries them. */
    ObjectNode watchApplications() {
        ObjectNode applications = MessageCodec.mapper().createObjectNode();
        for (String resource : resources) {
            MetaServerApplication watch = MetaServerApplication.of(resource, MetaServerApplication.WATCH, nodeName);
            applications.set(watch.id(), watch.toJson());
        }
        return applications;
    }

    /** @param thenList whether to list afterwards (the first sync of a session; a retried one only re-adds watches) */
    private void sync(Session current, long retryMillis, boolean thenList) {
        if (session.get() != current) {
            return;
        }
        Message sync = Message.request(SOURCE, GROUP, NULL, WATCH_SYNC, watchApplications());
        queries.request(sync, timeout).whenComplete((answer, failure) -> {
            if (failure != null) {
                if (session.get() == current) {
                    status.syncFailed(shortly(failure), retryMillis);
                }
                retry(current, "the watch sync", failure.toString(), retryMillis, () -> sync(current,
                        next(retryMillis), thenList));
                return;
            }
            // the answer names the watch applications CloudCore could not add (an empty object: none)
            List<String> failed = new ArrayList<>();
            Map<String, String> refusedResources = new HashMap<>();
            ContentDecoder.object(answer.content()).ifPresent(refused -> refused.properties().forEach(entry -> {
                JsonNode application = entry.getValue();
                String key = application.path("Key").asText(entry.getKey());
                failed.add(key + ": " + reason(application));
                refusedResources.put(resourceOf(key), reason(application));
            }));
            if (session.get() == current) {
                status.answered(refusedResources, retryMillis);
            }
            if (!failed.isEmpty()) {
                retry(current, "watches " + failed, "refused by CloudCore", retryMillis,
                        () -> sync(current, next(retryMillis), false));
            } else if (!resources.isEmpty()) {
                LOG.info("Watching {} in the cloud", String.join(", ", resources));
            }
            if (thenList) {
                for (String resource : resources) {
                    list(current, resource, FIRST_RETRY_MILLIS);
                }
            }
        });
    }

    private void list(Session current, String resource, long retryMillis) {
        if (session.get() != current) {
            return;
        }
        MetaServerApplication application = MetaServerApplication.of(resource, MetaServerApplication.LIST, nodeName);
        Message request = Message.request(SOURCE, GROUP, NULL, NULL, application.toJson());
        queries.request(request, timeout).whenComplete((answer, failure) -> {
            String problem = failure != null ? failure.toString() : listed(resource, answer);
            if (problem != null) {
                if (session.get() == current) {
                    status.listFailed(resource, failure != null ? shortly(failure) : problem, retryMillis);
                }
                retry(current, "the list of " + resource, problem, retryMillis,
                        () -> list(current, resource, next(retryMillis)));
            }
        });
    }

    /** @return why the answer could not be used, or null once it replaced the stored set */
    private String listed(String resource, Message answer) {
        MetaServerApplication.Answer result;
        try {
            result = MetaServerApplication.Answer.from(answer.content());
        } catch (IllegalArgumentException e) {
            return "unreadable answer: " + e.getMessage();
        }
        if (!result.approved()) {
            return result.status() + ": " + result.reason();
        }
        ObjectNode list = result.body().orElse(null);
        if (list == null || !list.path("items").isArray()) {
            return "the answer carries no list";
        }
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            if (item instanceof ObjectNode object) {
                items.add(object);
            }
        }
        Downstream.Replaced replaced = downstream.replaceListed(RESOURCES.get(resource), items,
                list.path("metadata").path("resourceVersion").asText(""), "list of " + resource);
        status.listed(resource, items.size(), replaced.deleted());
        LOG.info("The cloud lists {} {}: {} stored, {} deleted here{}", items.size(), resource, replaced.stored(),
                replaced.deleted(), replaced.rejected() == 0 ? "" : ", " + replaced.rejected() + " invalid ignored");
        return null;
    }

    /** @return a failure as the status shows it: without the request a timeout's message repeats */
    private String shortly(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** @return the resource of an application key {@code /core/v1/<resource>/<ns>/<name>}, or the key itself */
    static String resourceOf(String key) {
        String[] parts = key.split("/", -1);
        return parts.length > 3 ? parts[3] : key;
    }

    private static String reason(JsonNode application) {
        String reason = application.path("Reason").asText("");
        if (!reason.isEmpty()) {
            return reason;
        }
        return application.path("Error").path("ErrStatus").path("message").asText("refused");
    }

    private void retry(Session current, String what, String problem, long retryMillis, Runnable again) {
        if (session.get() != current || !current.isOpen()) {
            LOG.debug("{} ended with the session: {}", what, problem);
            return;
        }
        // once per session and request at WARN, the retries after it at DEBUG
        if (retryMillis == FIRST_RETRY_MILLIS) {
            LOG.warn("Cloud watch feed: {} failed ({}); trying again in {} s, then less often", what, problem,
                    retryMillis / 1000);
        } else {
            LOG.debug("Cloud watch feed: {} failed again ({}); next try in {} s", what, problem, retryMillis / 1000);
        }
        scheduler.schedule(again, retryMillis, TimeUnit.MILLISECONDS);
    }

    private static long next(long retryMillis) {
        return Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
    }
}

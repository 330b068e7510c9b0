package io.karedge.api.twin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * KubeEdge device-twin semantics on the durable {@link TwinStore}: expected and actual values with their
 * metadata and version vectors, update, delta, get, cloud sync and document operations, device state,
 * and membership (the Device objects of this node in the MetaStore).
 *
 * <p><b>Requests.</b> Every request is answered: {@link #handle} never throws for bad input, it completes
 * with a {@link TwinReply} whose {@code code} says what happened (200, 400, 404, 409, 500) and whose
 * payloads are the JSON documents KubeEdge applications expect.
 *
 * <p><b>Durability.</b> The returned stage completes only after every change the request made, and every
 * message for the cloud it caused, is on disk. An MQTT bridge acknowledges a QoS 1 publish only then.
 *
 * <p><b>Order.</b> Requests for one device are applied in the order {@link #handle} was called; requests
 * for different devices run concurrently. For each request the returned stage completes first (so a bridge
 * publishes the result first), then every {@link TwinListener} is told of the change with the further
 * publications it causes (document, delta). Completion callbacks must not block.
 *
 * @since 1.1
 */
@ProviderType
public interface TwinEngine {

    /** Applies one request; see the class comment. */
    CompletionStage<TwinReply> handle(TwinRequest request);

    /**
     * Sets the desired ({@code expected}) value of one property from the edge, optionally only if the
     * property's store version is still {@code expectedVersion}.
     *
     * @param expectedVersion {@link TwinStore#ANY_VERSION} for an unconditional write, {@code 0} for "the
     *                        property must not exist yet", else the version the caller read
     * @return a reply with code 200, or 409 with the current version when the version moved, 404 for an
     *         unknown device, 400 for a value the property's type refuses
     */
    CompletionStage<TwinReply> setDesired(String deviceId, String property, String value, long expectedVersion,
                                          TwinOrigin origin);

    /**
     * Sets the desired values of several properties of one device from the edge in one step: either all are
     * stored, or none is (the first refusal names its property). Its cost grows with the number of values,
     * not with the device's size. This default sets them one after the other and stops at the first refusal;
     * the engine overrides it with one write.
     *
     * @param values           property to value, in the order they are to be applied
     * @param expectedVersions for some of the properties the version they must still have (see
     *                         {@link #setDesired(String, String, String, long, TwinOrigin)}); the others are
     *                         written whatever their version
     * @since 1.3
     */
    default CompletionStage<TwinDesiredReply> setDesired(String deviceId, Map<String, String> values,
                                                         Map<String, Long> expectedVersions, TwinOrigin origin) {
        CompletionStage<TwinDesiredReply> chain = CompletableFuture.completedFuture(
                new TwinDesiredReply(200, null, null, Map.of()));
        Map<String, Long> written = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String property = entry.getKey();
            long expected = expectedVersions.getOrDefault(property, TwinStore.ANY_VERSION);
            chain = chain.thenCompose(previous -> {
                if (!previous.ok()) {
                    return CompletableFuture.completedFuture(previous);
                }
                return setDesired(deviceId, property, entry.getValue(), expected, origin).thenApply(reply -> {
                    if (!reply.ok()) {
                        return new TwinDesiredReply(reply.code(), reply.reason(), property,
                                reply.code() == 409 ? Map.of(property, reply.version()) : Map.of());
                    }
                    written.put(property, reply.version());
                    return new TwinDesiredReply(200, null, null, written);
                });
            });
        }
        return chain;
    }

    /** @return the twin of one member device, or empty if it is not a member */
    Optional<DeviceTwin> device(String deviceId);

    /** @return ids ({@code <namespace>/<name>}) of the member devices */
    Set<String> members();

    /**
     * @return update requests by origin and result, and how long the applied ones took to be stored;
     *         cheap (no store access), for status pages and metrics
     * @since 1.2
     */
    default TwinStatistics statistics() {
        return TwinStatistics.none();
    }
}

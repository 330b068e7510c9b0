package io.karedge.api.twin;

import java.util.Optional;
import java.util.Set;
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

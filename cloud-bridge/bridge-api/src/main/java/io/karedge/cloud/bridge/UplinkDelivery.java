package io.karedge.cloud.bridge;

/**
 * What the bridge did with Uplink entries since it started.
 *
 * @param sent         entries written to the cloud, every send counted (an entry sent again after a reconnect
 *                     or a missing answer counts again)
 * @param acked        entries the cloud has and that were removed from the Uplink: answered by CloudCore, or,
 *                     for messages CloudCore never answers, written and flushed to the socket
 * @param deadLettered entries removed without delivery because they are not valid messages (logged with their
 *                     sequence); the same count as {@link CloudLinkSnapshot#deadLetters()}
 * @param unanswered   entries removed after {@code uplink.max.attempts} sends without an answer
 * @since 1.2
 */
public record UplinkDelivery(long sent, long acked, long deadLettered, long unanswered) {
}

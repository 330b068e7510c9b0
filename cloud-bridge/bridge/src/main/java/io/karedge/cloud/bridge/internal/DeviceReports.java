package io.karedge.cloud.bridge.internal;

import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which device reports ({@code device/<ns>/<name>/twin/edge_updated} and {@code …/state/update}) go
 * to the cloud. CloudCore's DeviceController applies a report only for a Device in its own cache, and for any
 * other it logs "does not exist" and never answers: the report would be sent {@code uplink.max.attempts}
 * times for nothing. So, with {@code report.devices=cloud} (the default), a report goes only for a Device the
 * cloud sent (source {@code cloud} in the MetaStore); a report of a local Device (from {@code etc/manifests}
 * or the REST API) or of a Device no longer stored is removed from the Uplink unsent, counted, and its Device
 * listed with the reason for {@code edge:cloud}. One log line per Device and bridge run says so. With
 * {@code report.devices=all} every report goes.
 */
final class DeviceReports {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceReports.class);
    private static final String PREFIX = "device/";
    private static final String[] SUFFIXES = {"/twin/edge_updated", "/state/update"};

    /** Whether a report goes, and if not, why. */
    record Verdict(boolean send, String reason) {
        static final Verdict SEND = new Verdict(true, "");
    }

    private final MetaStore store;
    private final boolean all;
    private final LinkStatusHolder status;

    DeviceReports(MetaStore store, boolean all, LinkStatusHolder status) {
        this.store = store;
        this.all = all;
        this.status = status;
    }

    /**
     * @param cache verdicts already made for this batch of entries, by device id (filled here)
     * @return whether the message is sent; a device report that is not is counted here
     */
    boolean shouldSend(UplinkMessage message, Map<String, Verdict> cache) {
        if (all) {
            return true;
        }
        Optional<String> deviceId = deviceId(message.resource());
        if (deviceId.isEmpty()) {
            return true;
        }
        String id = deviceId.get();
        Verdict verdict = cache.computeIfAbsent(id, this::judge);
        if (verdict.send()) {
            return true;
        }
        status.reportsNotSent.incrementAndGet();
        return false;
    }

    private Verdict judge(String id) {
        int slash = id.indexOf('/');
        ObjectKey key = ObjectKey.of(Kinds.DEVICE, id.substring(0, slash), id.substring(slash + 1));
        Optional<StoredObject> device = store.get(key);
        if (device.isPresent() && Downstream.SOURCE.equals(device.get().source())) {
            status.devicesNotReported.remove(id);
            return Verdict.SEND;
        }
        String reason = device.isPresent() ? "local device (" + device.get().source() + ")"
                : "not stored on this node";
        Verdict verdict = new Verdict(false, reason);
        boolean listed = status.devicesNotReported.containsKey(id);
        if (listed || status.devicesNotReported.size() < CloudLinkSnapshot.MAX_DEVICES_LISTED) {
            if (status.devicesNotReported.put(id, reason) == null) {
                LOG.info("Twin and state reports of device {} stay on this node: {}, and CloudCore answers"
                        + " reports only of Devices it sent (report.devices=all sends them anyway)", id, reason);
            }
        }
        return verdict;
    }

    /**
     * @return {@code <namespace>/<name>} of a device report resource ({@code default} for the legacy form
     *         without a namespace), or empty for anything else
     */
    static Optional<String> deviceId(String resource) {
        if (!resource.startsWith(PREFIX)) {
            return Optional.empty();
        }
        for (String suffix : SUFFIXES) {
            if (resource.endsWith(suffix) && resource.length() > PREFIX.length() + suffix.length()) {
                String id = resource.substring(PREFIX.length(), resource.length() - suffix.length());
                String[] parts = id.split("/", -1);
                if (parts.length == 1 && !parts[0].isEmpty()) {
                    return Optional.of("default/" + parts[0]);
                }
                if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
                    return Optional.of(id);
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}

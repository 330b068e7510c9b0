package io.karedge.device.manager;

import java.util.List;

/**
 * One registered protocol driver.
 *
 * @param protocol    the protocol name it serves
 * @param bundle      symbolic name of the bundle that registered it
 * @param version     that bundle's version
 * @param serviceId   its {@code service.id}
 * @param ranking     its {@code service.ranking}
 * @param active      whether it is the one selected for its protocol (the others stand by)
 * @param devices     how many devices it runs now
 * @param errors      how many driver calls failed (exceptions, timeouts, rejected configData) so far
 * @param lastError   the latest of those failures, or {@code null}
 * @param abilities   optional abilities it offers ({@code discovery})
 */
public record DriverInfo(String protocol, String bundle, String version, long serviceId, int ranking, boolean active,
                         int devices, long errors, String lastError, List<String> abilities) {

    public DriverInfo {
        abilities = abilities == null ? List.of() : List.copyOf(abilities);
    }
}

package io.karedge.api.twin;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a service of this type is told about every committed twin change and device state
 * change. Used by the event bus (publications), the device manager (desired values to write to devices)
 * and the REST change stream.
 *
 * <p>Calls come after the change is on disk, per device in commit order, on the engine's threads; they
 * must return quickly and must not call back into the engine synchronously. A listener that throws is
 * logged and keeps receiving.
 *
 * @since 1.1
 */
@ConsumerType
public interface TwinListener {

    void twinChanged(TwinChange change);
}

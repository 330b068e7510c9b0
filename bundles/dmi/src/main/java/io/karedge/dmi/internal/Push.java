package io.karedge.dmi.internal;

import io.karedge.dmi.internal.proto.Device;
import io.karedge.dmi.internal.proto.DeviceModel;
import java.util.Objects;

/**
 * One call the edge node owes a mapper. {@code subject} identifies the device or model
 * ({@code device:<ns>/<name>}, {@code model:<ns>/<name>}) so that a newer push for the same subject can
 * replace one that has not been sent yet.
 *
 * @param device the device for device pushes (for removals only name and namespace are used)
 * @param model  the model for model pushes (for removals only name and namespace are used)
 */
record Push(Type type, String subject, Device device, DeviceModel model) {

    enum Type {
        REGISTER_DEVICE(Step.ADD), UPDATE_DEVICE(Step.UPDATE), REMOVE_DEVICE(Step.REMOVE),
        CREATE_MODEL(Step.ADD), UPDATE_MODEL(Step.UPDATE), REMOVE_MODEL(Step.REMOVE);

        final Step step;

        Type(Step step) {
            this.step = step;
        }
    }

    enum Step { ADD, UPDATE, REMOVE }

    Push {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
    }

    static Push device(Type type, Device device) {
        return new Push(type, "device:" + device.getNamespace() + "/" + device.getName(), device, null);
    }

    static Push model(Type type, DeviceModel model) {
        return new Push(type, "model:" + model.getNamespace() + "/" + model.getName(), null, model);
    }

    /**
     * Folds a newer push for the same subject into this one, which has not been sent yet: the newer
     * payload wins; an add stays an add (the mapper has not seen the subject yet) unless the newer push
     * removes it.
     *
     * @return the push to send instead of both, or {@code null} if they cannot be folded
     */
    Push fold(Push newer) {
        if (!subject.equals(newer.subject) || type.step == Step.REMOVE) {
            return null;
        }
        if (newer.type.step == Step.REMOVE) {
            return newer;
        }
        Type folded = type.step == Step.ADD ? type : newer.type;
        return new Push(folded, subject, newer.device, newer.model);
    }

    @Override
    public String toString() {
        return type + " " + subject;
    }
}

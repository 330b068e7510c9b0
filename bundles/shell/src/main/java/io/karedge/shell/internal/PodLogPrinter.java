package io.karedge.shell.internal;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodManagerStatus;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.karaf.shell.support.CommandException;

/**
 * What {@code edge:logs} does with the pod manager. The pod API is an optional import of this bundle: only
 * classes like this one name it, and they are loaded when a command runs with the pod manager there, so
 * Karaf's inspection of the command classes at start never needs it.
 */
final class PodLogPrinter {

    /** Bytes asked for per read. */
    static final int CHUNK_BYTES = 64 * 1024;

    private PodLogPrinter() {
    }

    /** Prints the log of a pod's container to standard output, following it while the thread is not interrupted. */
    static void run(PodManagerStatus podManager, String namespace, String pod, String container, boolean previous,
                    boolean follow, long pollMillis) throws CommandException {
        if (podManager.pod(namespace, pod).isEmpty()) {
            throw new CommandException("Error from server (NotFound): pods \"" + pod + "\" not found");
        }
        try {
            print(podManager, namespace, pod, container, previous, follow, line -> {
                System.out.println(line);
                System.out.flush();
            }, () -> !Thread.currentThread().isInterrupted(), pollMillis);
        } catch (LogMissingException e) {
            throw new CommandException(e.getMessage());
        } catch (InterruptedException e) {
            // Ctrl-C while following
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prints the log from its start: every line there is now, then, when following, new lines as they come
     * (reading on from the offset the last read returned) while {@code keepGoing} holds.
     *
     * @return the offset after the last line printed
     * @throws LogMissingException when the pod or container has no log
     */
    static long print(PodManagerStatus status, String namespace, String pod, String container, boolean previous,
                      boolean follow, Consumer<String> out, BooleanSupplier keepGoing, long pollMillis)
            throws LogMissingException, InterruptedException {
        long offset = 0;
        boolean first = true;
        while (true) {
            LogChunk chunk = status.log(namespace, pod, container, previous, offset, CHUNK_BYTES);
            if (!chunk.found()) {
                if (first) {
                    throw new LogMissingException("no log for " + (container == null ? "the first container"
                            : "container \"" + container + "\"") + " of pod " + namespace + "/" + pod
                            + " (unknown container, or not started yet)");
                }
                // the pod went away (deleted) while being followed
                return offset;
            }
            first = false;
            chunk.lines().forEach(out);
            boolean progressed = chunk.nextOffset() > offset;
            offset = Math.max(offset, chunk.nextOffset());
            if (progressed) {
                continue; // there may be more right away
            }
            if (!follow || !keepGoing.getAsBoolean()) {
                return offset;
            }
            Thread.sleep(pollMillis);
            if (!keepGoing.getAsBoolean()) {
                return offset;
            }
        }
    }

    /** The log of a pod or container does not exist. */
    static final class LogMissingException extends Exception {

        private static final long serialVersionUID = 1L;

        LogMissingException(String message) {
            super(message);
        }
    }
}

package io.karedge.shell.internal;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodManagerStatus;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:logs POD [CONTAINER]}: a container's log, like {@code kubectl logs}, optionally followed. */
@Service
@Command(scope = "edge", name = "logs", description = "Print the log of a pod's container; -f follows it until Ctrl-C.",
        detailedDescription = "Without CONTAINER the pod's first container is read.")
public class LogsCommand implements Action {

    /** Bytes asked for per read. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** Pause between reads while following and nothing new came. */
    static final long POLL_MILLIS = 500;

    @Reference(optional = true)
    PodManagerStatus podManager;

    @Argument(index = 0, name = "POD", required = true, description = "Pod name")
    String pod;

    @Argument(index = 1, name = "CONTAINER", description = "Container name (default: the pod's first container)")
    String container;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace = "default";

    @Option(name = "-f", aliases = "--follow", description = "Keep printing new lines until Ctrl-C")
    boolean follow;

    @Option(name = "-p", aliases = "--previous", description = "The log of the previous (terminated) instance")
    boolean previous;

    @Override
    public Object execute() throws Exception {
        if (podManager == null) {
            throw new CommandException(PodsCommand.NOT_RUNNING);
        }
        if (podManager.pod(namespace, pod).isEmpty()) {
            throw new CommandException("Error from server (NotFound): pods \"" + pod + "\" not found");
        }
        try {
            print(podManager, namespace, pod, container, previous, follow, line -> {
                System.out.println(line);
                System.out.flush();
            }, () -> !Thread.currentThread().isInterrupted(), POLL_MILLIS);
        } catch (LogMissingException e) {
            throw new CommandException(e.getMessage());
        } catch (InterruptedException e) {
            // Ctrl-C while following
            Thread.currentThread().interrupt();
        }
        return null;
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

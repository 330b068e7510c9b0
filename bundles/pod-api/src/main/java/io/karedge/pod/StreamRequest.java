package io.karedge.pod;

import java.util.List;

/**
 * A remote command stream into a running container, as {@code kubectl exec} and {@code kubectl attach} ask
 * for it: which streams are wanted and whether the container's terminal is a TTY.
 *
 * @param kind    exec (a new process) or attach (the container's main process)
 * @param command the process to start, for exec; empty for attach
 */
public record StreamRequest(Kind kind, List<String> command, boolean stdin, boolean stdout, boolean stderr,
                            boolean tty) {

    /** What the stream connects to. */
    public enum Kind { EXEC, ATTACH }

    public StreamRequest {
        command = List.copyOf(command);
        if (kind == Kind.EXEC && command.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command");
        }
        if (!stdin && !stdout && !stderr) {
            throw new IllegalArgumentException("at least one of stdin, stdout and stderr must be wanted");
        }
        if (tty && stderr) {
            stderr = false; // a terminal has one output stream, as the kubelet treats it
        }
    }

    public static StreamRequest exec(List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        return new StreamRequest(Kind.EXEC, command, stdin, stdout, stderr, tty);
    }

    public static StreamRequest attach(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        return new StreamRequest(Kind.ATTACH, List.of(), stdin, stdout, stderr, tty);
    }
}

package io.karedge.boot.podsfirst.plan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One pod of the restore plan, {@code <karaf.data>/pods-first/<uid>.plan}, written by the CRI runtime bundle
 * whenever the pod's sandbox or containers change: what the next boot sends to the runtime, byte for byte.
 * The one definition of the layout: the launcher reads it with this class, and the CRI runtime bundle,
 * which embeds this package (bnd {@code -conditionalpackage}), writes it with this class.
 * Big-endian, strings in modified UTF-8 (DataOutput): magic {@code KPF1}; uid, namespace, name; the CRI
 * socket; the runtime handler; the pod's log directory; the sandbox attempt; the serialized
 * PodSandboxConfig (int length, bytes); the number of containers, and per container its name, image, pull
 * policy, attempt and serialized ContainerConfig.
 */
public record RestorePlan(String uid, String namespace, String name, String endpoint, String runtimeHandler,
                   String logDirectory, int sandboxAttempt, byte[] sandboxConfig, List<Container> containers) {

    public static final int MAGIC = 0x4b504631;

    public record Container(String name, String image, String pullPolicy, int attempt, byte[] config) {
    }

    public String pod() {
        return namespace + "/" + name;
    }

    public static RestorePlan read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a restore plan");
            }
            String uid = in.readUTF();
            String namespace = in.readUTF();
            String name = in.readUTF();
            String endpoint = in.readUTF();
            String handler = in.readUTF();
            String logs = in.readUTF();
            int sandboxAttempt = in.readInt();
            byte[] sandbox = bytes(in);
            int count = in.readInt();
            if (count < 0 || count > 1000) {
                throw new IOException("implausible container count " + count);
            }
            List<Container> containers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                containers.add(new Container(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt(), bytes(in)));
            }
            return new RestorePlan(uid, namespace, name, endpoint, handler, logs, sandboxAttempt, sandbox,
                    List.copyOf(containers));
        } catch (java.io.EOFException e) {
            throw new IOException("restore plan cut short", e);
        }
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 16 << 20) {
            throw new IOException("implausible length " + length);
        }
        return in.readNBytes(length);
    }

    /** @return the file's bytes */
    public byte[] toBytes() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(MAGIC);
            out.writeUTF(uid);
            out.writeUTF(namespace);
            out.writeUTF(name);
            out.writeUTF(endpoint);
            out.writeUTF(runtimeHandler);
            out.writeUTF(logDirectory);
            out.writeInt(sandboxAttempt);
            out.writeInt(sandboxConfig.length);
            out.write(sandboxConfig);
            out.writeInt(containers.size());
            for (Container container : containers) {
                out.writeUTF(container.name());
                out.writeUTF(container.image());
                out.writeUTF(container.pullPolicy());
                out.writeInt(container.attempt());
                out.writeInt(container.config().length);
                out.write(container.config());
            }
        }
        return buffer.toByteArray();
    }
}

package io.karedge.eventbus.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent sessions on disk: an append-only file of small records (session created or ended,
 * subscription added or removed, message queued, packet id assigned, PUBREC received, message done,
 * QoS 2 packet id received or released, client last seen). Each record is framed as
 * {@code length, CRC-32, body}; reading stops at the first torn or damaged record (the tail of a crash).
 *
 * <p>One thread ({@code karedge-mqtt-sessions}) writes: every caller's record is queued, the thread writes
 * all that waits in one go, forces the file to disk (when {@code fsync} is on) and then completes the callers'
 * futures: a group commit. At open, and whenever 64 MiB were appended since, the file is rewritten with only
 * what is still live.
 */
final class SessionJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionJournal.class);
    private static final long COMPACT_AFTER_BYTES = 64L * 1024 * 1024;
    private static final int MAX_RECORD = 512 * 1024 * 1024;

    /** A message of a session as the journal knows it. */
    static final class StoredMessage {
        final long seq;
        final String topic;
        byte[] payload;
        final int qos;
        final boolean retain;
        int packetId;
        boolean released;

        StoredMessage(long seq, String topic, byte[] payload, int qos, boolean retain) {
            this.seq = seq;
            this.topic = topic;
            this.payload = payload;
            this.qos = qos;
            this.retain = retain;
        }
    }

    /** One session as read back from the file. */
    static final class Image {
        final String clientId;
        final Map<String, Integer> subscriptions = new LinkedHashMap<>();
        final Map<Long, StoredMessage> messages = new LinkedHashMap<>();
        final Set<Integer> inboundQos2 = new LinkedHashSet<>();
        long lastSeenMillis;

        Image(String clientId) {
            this.clientId = clientId;
        }
    }

    private record Append(byte[] frame, CompletableFuture<Void> done) {
    }

    private static final Append STOP = new Append(new byte[0], null);

    private final Path file;
    private final boolean fsync;
    private final BlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    private FileChannel channel;
    private Thread writer;
    private long appendedSinceCompaction;
    private long maxSeq;

    SessionJournal(Path file, boolean fsync) {
        this.file = file;
        this.fsync = fsync;
    }

    /** Reads the sessions, rewrites the file compactly and starts the writer. */
    synchronized Map<String, Image> open() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Image> images = read(file);
        rewrite(images);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        writer = new Thread(this::writeLoop, "karedge-mqtt-sessions");
        writer.setDaemon(true);
        writer.start();
        return images;
    }

    /** @return the highest message sequence number in the file when it was opened */
    long maxSeq() {
        return maxSeq;
    }

    CompletableFuture<Void> created(String clientId) {
        return append('S', clientId, out -> { });
    }

    CompletableFuture<Void> ended(String clientId) {
        return append('E', clientId, out -> { });
    }

    CompletableFuture<Void> subscribed(String clientId, String filter, int qos) {
        return append('B', clientId, out -> {
            out.writeUTF(filter);
            out.writeByte(qos);
        });
    }

    CompletableFuture<Void> unsubscribed(String clientId, String filter) {
        return append('U', clientId, out -> out.writeUTF(filter));
    }

    CompletableFuture<Void> message(String clientId, long seq, String topic, byte[] payload, int qos, boolean retain) {
        return append('M', clientId, out -> {
            out.writeLong(seq);
            out.writeUTF(topic);
            out.writeByte(qos);
            out.writeBoolean(retain);
            out.writeInt(payload.length);
            out.write(payload);
        });
    }

    CompletableFuture<Void> sent(String clientId, long seq, int packetId) {
        return append('P', clientId, out -> {
            out.writeLong(seq);
            out.writeShort(packetId);
        });
    }

    CompletableFuture<Void> released(String clientId, long seq) {
        return append('R', clientId, out -> out.writeLong(seq));
    }

    CompletableFuture<Void> done(String clientId, long seq) {
        return append('D', clientId, out -> out.writeLong(seq));
    }

    CompletableFuture<Void> inboundReceived(String clientId, int packetId) {
        return append('I', clientId, out -> out.writeShort(packetId));
    }

    CompletableFuture<Void> inboundReleased(String clientId, int packetId) {
        return append('J', clientId, out -> out.writeShort(packetId));
    }

    CompletableFuture<Void> seen(String clientId, long millis) {
        return append('T', clientId, out -> out.writeLong(millis));
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            running = writer;
            writer = null;
        }
        if (running == null) {
            return;
        }
        queue.add(STOP);
        try {
            running.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Closing the MQTT session journal {}: {}", file, e.toString());
        }
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private CompletableFuture<Void> append(char type, String clientId, Body body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(type);
            out.writeUTF(clientId);
            body.write(out);
            queue.add(new Append(frame(bytes.toByteArray()), done));
        } catch (IOException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private static byte[] frame(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue()).put(body).array();
    }

    private void writeLoop() {
        List<Append> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            boolean stop = batch.remove(STOP);
            write(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private void write(List<Append> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            long size = 0;
            for (Append append : batch) {
                size += append.frame().length;
            }
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size));
            for (Append append : batch) {
                buffer.put(append.frame());
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (fsync) {
                channel.force(false);
            }
            appendedSinceCompaction += size;
            for (Append append : batch) {
                append.done().complete(null);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Writing the MQTT session journal {} failed: {}", file, e.toString());
            for (Append append : batch) {
                append.done().completeExceptionally(e);
            }
            return;
        }
        if (appendedSinceCompaction > COMPACT_AFTER_BYTES) {
            try {
                channel.close();
                rewrite(read(file));
                channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.warn("Compacting the MQTT session journal {} failed: {}", file, e.toString());
                try {
                    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                } catch (IOException again) {
                    LOG.warn("Reopening the MQTT session journal {} failed: {}", file, again.toString());
                }
            }
        }
    }

    /** Reads every intact record of {@code file} into session images. */
    Map<String, Image> read(Path source) throws IOException {
        Map<String, Image> images = new LinkedHashMap<>();
        InputStream raw;
        try {
            raw = Files.newInputStream(source);
        } catch (NoSuchFileException e) {
            return images;
        }
        int records = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 65536))) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    break;
                }
                int crc = in.readInt();
                if (length < 1 || length > MAX_RECORD) {
                    LOG.warn("MQTT session journal {}: damaged record after {} records; the rest is ignored", source,
                            records);
                    break;
                }
                byte[] body = new byte[length];
                try {
                    in.readFully(body);
                } catch (EOFException e) {
                    LOG.warn("MQTT session journal {}: last record incomplete (a crash while writing); ignored", source);
                    break;
                }
                CRC32 check = new CRC32();
                check.update(body);
                if ((int) check.getValue() != crc) {
                    LOG.warn("MQTT session journal {}: checksum mismatch after {} records; the rest is ignored", source,
                            records);
                    break;
                }
                apply(images, new DataInputStream(new java.io.ByteArrayInputStream(body)));
                records++;
            }
        } catch (EOFException e) {
            LOG.warn("MQTT session journal {}: last record incomplete; ignored", source);
        }
        return images;
    }

    private void apply(Map<String, Image> images, DataInputStream in) throws IOException {
        char type = (char) in.readByte();
        String clientId = in.readUTF();
        if (type == 'E') {
            images.remove(clientId);
            return;
        }
        Image image = images.computeIfAbsent(clientId, Image::new);
        switch (type) {
            case 'S' -> {
                // created: the image exists now
            }
            case 'B' -> image.subscriptions.put(in.readUTF(), (int) in.readByte());
            case 'U' -> image.subscriptions.remove(in.readUTF());
            case 'M' -> {
                long seq = in.readLong();
                String topic = in.readUTF();
                int qos = in.readByte();
                boolean retain = in.readBoolean();
                byte[] payload = new byte[in.readInt()];
                in.readFully(payload);
                image.messages.put(seq, new StoredMessage(seq, topic, payload, qos, retain));
                maxSeq = Math.max(maxSeq, seq);
            }
            case 'P' -> {
                StoredMessage message = image.messages.get(in.readLong());
                int packetId = in.readUnsignedShort();
                if (message != null) {
                    message.packetId = packetId;
                }
            }
            case 'R' -> {
                StoredMessage message = image.messages.get(in.readLong());
                if (message != null) {
                    message.released = true;
                    message.payload = new byte[0];
                }
            }
            case 'D' -> image.messages.remove(in.readLong());
            case 'I' -> image.inboundQos2.add(in.readUnsignedShort());
            case 'J' -> image.inboundQos2.remove(in.readUnsignedShort());
            case 'T' -> image.lastSeenMillis = in.readLong();
            default -> throw new IOException("unknown record type " + (int) type);
        }
    }

    /** Writes only the live state to a new file that replaces {@link #file}. */
    private void rewrite(Map<String, Image> images) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Image image : images.values()) {
                List<byte[]> frames = new ArrayList<>();
                frames.add(record('S', image.clientId, o -> { }));
                for (Map.Entry<String, Integer> sub : image.subscriptions.entrySet()) {
                    frames.add(record('B', image.clientId, o -> {
                        o.writeUTF(sub.getKey());
                        o.writeByte(sub.getValue());
                    }));
                }
                for (StoredMessage m : image.messages.values()) {
                    frames.add(record('M', image.clientId, o -> {
                        o.writeLong(m.seq);
                        o.writeUTF(m.topic);
                        o.writeByte(m.qos);
                        o.writeBoolean(m.retain);
                        o.writeInt(m.payload.length);
                        o.write(m.payload);
                    }));
                    if (m.packetId > 0) {
                        frames.add(record('P', image.clientId, o -> {
                            o.writeLong(m.seq);
                            o.writeShort(m.packetId);
                        }));
                    }
                    if (m.released) {
                        frames.add(record('R', image.clientId, o -> o.writeLong(m.seq)));
                    }
                }
                for (int packetId : image.inboundQos2) {
                    frames.add(record('I', image.clientId, o -> o.writeShort(packetId)));
                }
                frames.add(record('T', image.clientId, o -> o.writeLong(image.lastSeenMillis)));
                for (byte[] frame : frames) {
                    ByteBuffer buffer = ByteBuffer.wrap(frame);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        appendedSinceCompaction = 0;
    }

    private static byte[] record(char type, String clientId, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(type);
        out.writeUTF(clientId);
        body.write(out);
        return frame(bytes.toByteArray());
    }
}

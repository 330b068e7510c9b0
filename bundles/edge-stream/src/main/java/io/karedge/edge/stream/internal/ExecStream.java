package io.karedge.edge.stream.internal;

import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.StreamRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kubectl exec} or {@code kubectl attach} through the tunnel. The API server's upgrade request
 * ({@code /exec/<ns>/<pod>/<container>?command=..&input=1&output=1&tty=1}, with its SPDY or WebSocket upgrade
 * headers) is turned into a CRI Exec or Attach call; the request is then sent, with the API server's method
 * and headers, to the URL the runtime answered (its streaming server), and from there on bytes are copied
 * both ways without being looked at: {@code DATA} from the cloud into the connection, the connection's bytes
 * back as {@code DATA}. The upgrade's response, the remote command streams, resize messages and the exit
 * status all travel inside, end to end between the API server and the runtime.
 *
 * <p>A request that cannot be served is answered as the kubelet answers it, with an HTTP error response in
 * the stream (the API server shows its text to the client), then {@code REMOVE_CONNECT}.
 */
final class ExecStream implements TunnelStream, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecStream.class);

    /** Input from the cloud waiting for the container, per stream at most; past it the stream is ended. */
    static final int MAX_PENDING_INPUT_BYTES = 1024 * 1024;
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_BYTES = 32 * 1024;

    /** Request headers not copied: the transport's own, written here for the new connection. */
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "transfer-encoding");

    private final long connectionId;
    private final ConnectRequest request;
    private final StreamRequest.Kind kind;
    private final PodManagerStatus pods;
    private final TunnelSender tunnel;
    private final Executor executor;
    private final Runnable onEnd;
    private final ArrayDeque<byte[]> pendingInput = new ArrayDeque<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private int pendingBytes;
    private boolean inputClosed;
    private volatile Socket socket;

    ExecStream(long connectionId, ConnectRequest request, StreamRequest.Kind kind, PodManagerStatus pods,
               TunnelSender tunnel, Executor executor, Runnable onEnd) {
        this.connectionId = connectionId;
        this.request = request;
        this.kind = kind;
        this.pods = pods;
        this.tunnel = tunnel;
        this.executor = executor;
        this.onEnd = onEnd;
    }

    /** Bytes from the cloud for the container (called on the tunnel's thread; never blocks). */
    @Override
    public void input(byte[] data) {
        synchronized (pendingInput) {
            if (inputClosed || data.length == 0) {
                return;
            }
            if (pendingBytes + data.length <= MAX_PENDING_INPUT_BYTES) {
                pendingInput.addLast(data);
                pendingBytes += data.length;
                pendingInput.notifyAll();
                return;
            }
        }
        LOG.warn("Ended {} stream {}: the container does not take its input fast enough (more than {} bytes waiting)",
                kind.name().toLowerCase(Locale.ROOT), connectionId, MAX_PENDING_INPUT_BYTES);
        stop();
    }

    /** Ends the stream: the cloud removed the connection, or the tunnel closed. */
    @Override
    public void stop() {
        synchronized (pendingInput) {
            inputClosed = true;
            pendingInput.clear();
            pendingInput.notifyAll();
        }
        Socket open = socket;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        end();
    }

    @Override
    public void run() {
        Socket connected = null;
        try {
            URI url = prepare();
            connected = connect(url);
            executor.execute(this::copyInput);
            copyOutput(connected);
        } catch (Refusal refusal) {
            sendHttpError(refusal.status, refusal.getMessage());
        } catch (RejectedExecutionException e) {
            sendHttpError(503, "the node is stopping");
        } catch (IOException e) {
            if (!ended.get()) {
                LOG.debug("{} stream {} ended: {}", kind, connectionId, e.toString());
            }
        } finally {
            stop();
        }
    }

    /** Asks the pod manager for the runtime's streaming URL. */
    private URI prepare() throws Refusal {
        List<String> arguments = request.pathArguments();
        String prefix = kind == StreamRequest.Kind.EXEC ? "/exec/" : "/attach/";
        if (!request.path().startsWith(prefix) || (arguments.size() != 3 && arguments.size() != 4)) {
            throw new Refusal(400, "bad request: expected " + prefix + "<namespace>/<pod>/<container>, not "
                    + request.path());
        }
        String namespace = arguments.get(0);
        String pod = arguments.get(1);
        String container = arguments.get(arguments.size() - 1); // the 4-part form has the pod's uid before it
        StreamRequest wanted;
        try {
            boolean stdin = request.flag("input") || request.flag("stdin");
            boolean stdout = request.flag("output") || request.flag("stdout");
            boolean stderr = request.flag("error") || request.flag("stderr");
            boolean tty = request.flag("tty");
            wanted = kind == StreamRequest.Kind.EXEC
                    ? StreamRequest.exec(request.query().getOrDefault("command", List.of()), stdin, stdout, stderr, tty)
                    : StreamRequest.attach(stdin, stdout, stderr, tty);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "bad request: " + e.getMessage());
        }
        try {
            return pods.stream(namespace, pod, container, wanted);
        } catch (PodRuntimeException e) {
            LOG.info("Refused {} into {}/{}/{}: {}", kind.name().toLowerCase(Locale.ROOT), namespace, pod, container,
                    e.getMessage());
            throw new Refusal(status(e.reason()), e.getMessage());
        }
    }

    static int status(String reason) {
        return switch (reason == null ? "" : reason) {
            case "PodNotFound", "ContainerNotFound" -> 404;
            case "ContainerNotRunning", "StreamingNotSupported" -> 400;
            case "RuntimeUnavailable" -> 503;
            default -> 500;
        };
    }

    /** Opens the runtime's streaming URL and sends the API server's request to it, with its upgrade headers. */
    private Socket connect(URI url) throws Refusal, IOException {
        if (!"http".equalsIgnoreCase(url.getScheme())) {
            throw new Refusal(500, "the runtime's streaming URL is not plain HTTP: " + url);
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        Socket opened = new Socket();
        socket = opened;
        if (ended.get()) {
            opened.close();
            throw new IOException("stopped");
        }
        try {
            opened.connect(new InetSocketAddress(url.getHost(), port), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            throw new Refusal(502, "the runtime's streaming server at " + url.getHost() + ":" + port
                    + " does not answer: " + e.getMessage());
        }
        opened.setTcpNoDelay(true);
        OutputStream out = opened.getOutputStream();
        out.write(requestHead(url, port).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return opened;
    }

    String requestHead(URI url, int port) {
        String method = request.method() == null || request.method().isBlank() ? "POST" : request.method();
        StringBuilder head = new StringBuilder();
        String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            target += "?" + url.getRawQuery();
        }
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(url.getHost()).append(':').append(port).append("\r\n");
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            if (HOP_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT)) || !token(header.getKey())) {
                continue;
            }
            for (String value : header.getValue()) {
                if (value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
                    head.append(header.getKey()).append(": ").append(value).append("\r\n");
                }
            }
        }
        if (method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: 0\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static boolean token(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c > 32 && c < 127 && ":()<>@,;\\\"/[]?={}".indexOf(c) < 0);
    }

    /** The connection's bytes back to the cloud, until it closes. */
    private void copyOutput(Socket connected) throws IOException {
        InputStream in = connected.getInputStream();
        byte[] buffer = new byte[READ_BYTES];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            if (read > 0 && !tunnel.send(TunnelMessage.of(connectionId, MessageType.DATA,
                    Arrays.copyOf(buffer, read)))) {
                return;
            }
        }
    }

    /** The cloud's bytes into the connection, in order, until the stream ends. */
    private void copyInput() {
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                byte[] next;
                synchronized (pendingInput) {
                    while (pendingInput.isEmpty() && !inputClosed) {
                        pendingInput.wait();
                    }
                    if (pendingInput.isEmpty()) {
                        return;
                    }
                    next = pendingInput.removeFirst();
                    pendingBytes -= next.length;
                }
                out.write(next);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        } catch (IOException e) {
            stop();
        }
    }

    /** An error response as the kubelet gives it, inside the stream, so the client is told why. */
    private void sendHttpError(int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "X-Content-Type-Options: nosniff\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] response = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        tunnel.send(TunnelMessage.of(connectionId, MessageType.DATA, response));
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            tunnel.send(TunnelMessage.of(connectionId, MessageType.REMOVE_CONNECT, new byte[0]));
            onEnd.run();
        }
    }

    /** A request answered with an HTTP error instead of a stream. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}

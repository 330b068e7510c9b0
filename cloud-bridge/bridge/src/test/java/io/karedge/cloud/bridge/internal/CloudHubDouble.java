package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A CloudHub and certificate service for tests, on 127.0.0.1 (or a given address) and free ports. It speaks
 * the real JSON frames over TLS WebSockets with client-certificate checks, serves {@code /ca.crt} and {@code /edge.crt} like
 * CloudCore, answers kubelet and twin requests, and delivers pushes with CloudCore's rules: one
 * ACK-required message in flight, sent again with the same id until ACKed. It checks every frame it
 * receives and counts the invalid ones (CloudHub would drop the session for each).
 *
 * <p>Upstream requests go through CloudCore's routing as its source has it (CloudHub's
 * {@code DispatchUpstream}, then EdgeController's or DeviceController's {@code dispatchMessage}): a request
 * none of them takes, a Node {@code insert} for a Node that exists, and a twin or state report of a Device the cloud does not have are answered (or not) as CloudCore does, and the
 * line CloudCore would log is kept in {@link #cloudCoreLog}.
 */
public final class CloudHubDouble implements AutoCloseable {

    public final TestPki pki;
    public final List<Message> received = new CopyOnWriteArrayList<>();
    public final AtomicInteger invalidFrames = new AtomicInteger();
    public final List<String> invalidReasons = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    public final Map<String, AtomicInteger> acksByParent = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> sendsById = new ConcurrentHashMap<>();
    public final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    public final Map<String, ObjectNode> configMaps = new ConcurrentHashMap<>();
    public final AtomicInteger certificatesIssued = new AtomicInteger();
    /** ACKs ({@code response} frames with a parent id) received, resends included. */
    public final AtomicLong totalAcks = new AtomicLong();
    /** What CloudCore would log as a warning or error about the requests received (refused, dropped). */
    public final List<String> cloudCoreLog = new CopyOnWriteArrayList<>();
    /** Nodes the cloud has, by name. */
    public final Map<String, ObjectNode> nodes = new ConcurrentHashMap<>();
    /** Devices ({@code <namespace>/<name>}) DeviceController has; a pushed Device is added. */
    public final Set<String> devices = ConcurrentHashMap.newKeySet();

    /** Answer upstream requests (node, lease, twin ...). */
    public volatile boolean answerRequests = true;
    /** Accept WebSocket connections; when false they are closed at once. */
    public volatile boolean accepting = true;
    /** Serve this CA on /ca.crt instead of the real one (hash-mismatch tests). */
    public volatile X509Certificate servedCa;
    public volatile Duration certificateLifetime = Duration.ofDays(365);
    public volatile long resendMillis = 300;
    /** Run on the I/O thread when a WebSocket session is established (before any frame is read). */
    public volatile Runnable onSession;
    /** CloudCore's DynamicController: the cluster's Services, Endpoints and Nodes, applications and watches. */
    public final DynamicControllerDouble dynamic;
    /** The node a session belongs to (its {@code node_id} header). */
    private static final io.netty.util.AttributeKey<String> NODE = io.netty.util.AttributeKey.valueOf("node");

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("double-io", true),
            NioIoHandler.newFactory());
    private final HttpsServer https;
    private final Channel server;
    private final List<Channel> sessions = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Message> ackQueue = new LinkedBlockingQueue<>();
    private final AtomicReference<String> awaitingAck = new AtomicReference<>();
    private final Thread ackWorker;
    private final AtomicLong leaseVersion = new AtomicLong(100);
    private volatile ObjectNode lease;
    private final Object ackSignal = new Object();
    private volatile boolean closed;

    private final String advertisedAddress;

    public CloudHubDouble() throws Exception {
        this("127.0.0.1");
    }

    /**
     * @param bindAddress      the IPv4 address the WebSocket and certificate services listen on; {@code 0.0.0.0}
     *                         for all of the host's (or network namespace's) addresses
     * @param advertised       addresses the server certificate names besides 127.0.0.1; the first is the one
     *                         {@link #webSocketAddress()} and {@link #certAddress()} give when bound to
     *                         {@code 0.0.0.0}; none: the bind address
     */
    public CloudHubDouble(String bindAddress, String... advertised) throws Exception {
        String[] names = advertised.length == 0 ? new String[] {bindAddress} : advertised;
        this.advertisedAddress = bindAddress.equals("0.0.0.0") ? names[0] : bindAddress;
        this.pki = new TestPki(names);
        https = HttpsServer.create(new InetSocketAddress(bindAddress, 0), 16);
        SSLContext tls = serverTls();
        https.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setWantClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        https.createContext("/ca.crt", exchange -> {
            X509Certificate served = servedCa == null ? pki.ca : servedCa;
            reply(exchange, 200, encoded(served));
        });
        https.createContext("/edge.crt", this::signRequest);
        https.start();

        SslContext ssl = SslContextBuilder.forServer(pki.serverKeys.getPrivate(), pki.server)
                .trustManager(pki.ca).clientAuth(ClientAuth.REQUIRE).build();
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).maxFramePayloadLength(128 * 1024 * 1024).build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (!accepting) {
                            channel.close();
                            return;
                        }
                        channel.pipeline().addLast(ssl.newHandler(channel.alloc()))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(64 * 1024))
                                .addLast(new HeaderRecorder())
                                .addLast(new WebSocketServerProtocolHandler(config))
                                .addLast(new WebSocketFrameAggregator(128 * 1024 * 1024))
                                .addLast(new FrameHandler());
                    }
                })
                .bind(bindAddress, 0).sync().channel();
        dynamic = new DynamicControllerDouble(cloudCoreLog, this::sendToNode, this::acks);
        ackWorker = new Thread(this::deliverLoop, "double-ack-queue");
        ackWorker.setDaemon(true);
        ackWorker.start();
    }

    public String webSocketAddress() {
        return advertisedAddress + ":" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String certAddress() {
        return advertisedAddress + ":" + https.getAddress().getPort();
    }

    // ---- downstream ----------------------------------------------------------------------------------

    /** Queues a push on the ACK-required queue (one in flight, resent with the same id until ACKed). */
    public void push(Message message) {
        ackQueue.add(message);
    }

    /** Writes raw text (or binary) to every session, outside any queue. */
    public void sendRaw(byte[] bytes, boolean binary) {
        for (Channel channel : sessions) {
            channel.writeAndFlush(binary ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                    : new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
        }
    }

    public void send(Message message) {
        sendRaw(MessageCodec.encode(message), false);
    }

    /** @return whether the node had a session the message was written to */
    boolean sendToNode(String node, Message message) {
        boolean sent = false;
        for (Channel channel : sessions) {
            if (node.equals(channel.attr(NODE).get()) && channel.isActive()) {
                sendsById.computeIfAbsent(message.id(), id -> new AtomicInteger()).incrementAndGet();
                channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(MessageCodec.encode(message))));
                sent = true;
            }
        }
        return sent;
    }

    /**
     * Queues a push of a Kubernetes object on the ACK-required queue, as EdgeController sends it.
     *
     * @param operation {@code insert}, {@code update} or {@code delete}
     * @param resource  {@code <namespace>/<type>/<name>}, for example {@code default/configmap/app}
     * @return the message id (its ACK carries it as parent id)
     */
    public String pushObject(String operation, String resource, JsonNode object) {
        Message message = resourcePush(operation, resource, object);
        push(message);
        return message.id();
    }

    /** Sends a push of a Kubernetes object at once, outside the ACK queue (pipelined). @return the message id */
    public String sendObject(String operation, String resource, JsonNode object) {
        Message message = resourcePush(operation, resource, object);
        send(message);
        return message.id();
    }

    private Message resourcePush(String operation, String resource, JsonNode object) {
        String[] path = resource.split("/");
        if (path.length == 3 && path[1].equals("device")) {
            if (operation.equals("delete")) {
                devices.remove(path[0] + "/" + path[2]);
            } else {
                devices.add(path[0] + "/" + path[2]);
            }
        }
        return new Message(Message.newId(), "", System.currentTimeMillis(),
                object.path("metadata").path("resourceVersion").asText(""), "edgecontroller", Routes.GROUP_RESOURCE,
                operation, resource, object);
    }

    /** @return pushes still waiting on the ACK queue, the one in flight included */
    public int pushesWaiting() {
        return ackQueue.size() + (awaitingAck.get() == null ? 0 : 1);
    }

    /** @return open WebSocket sessions */
    public int sessionCount() {
        return sessions.size();
    }

    /** @return messages received so far whose operation is {@code operation} and whose resource ends with {@code suffix} */
    public int countReceived(String operation, String suffix) {
        int count = 0;
        for (Message message : received) {
            if (message.operation().equals(operation) && message.resource().endsWith(suffix)) {
                count++;
            }
        }
        return count;
    }

    /** Closes every session, as CloudHub does when it gives up on a node. */
    public void dropSessions() {
        sessions.forEach(Channel::close);
    }

    public int acks(String messageId) {
        AtomicInteger count = acksByParent.get(messageId);
        return count == null ? 0 : count.get();
    }

    public List<Message> received(String operation, String resourcePrefix) {
        List<Message> found = new ArrayList<>();
        for (Message message : received) {
            if (message.operation().equals(operation) && message.resource().startsWith(resourcePrefix)) {
                found.add(message);
            }
        }
        return found;
    }

    private void deliverLoop() {
        while (!closed) {
            Message message;
            try {
                message = ackQueue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (message == null) {
                continue;
            }
            awaitingAck.set(message.id());
            while (!closed && acks(message.id()) == 0) {
                if (!sessions.isEmpty()) {
                    sendsById.computeIfAbsent(message.id(), id -> new AtomicInteger()).incrementAndGet();
                    send(message);
                }
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(resendMillis);
                synchronized (ackSignal) {
                    long left;
                    while (!closed && acks(message.id()) == 0 && (left = until - System.nanoTime()) > 0) {
                        try {
                            TimeUnit.NANOSECONDS.timedWait(ackSignal, left);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
            awaitingAck.set(null);
        }
    }

    // ---- upstream ------------------------------------------------------------------------------------

    private void onMessage(Channel channel, Message message) {
        received.add(message);
        if (Routes.KEEPALIVE.equals(message.operation())) {
            return;
        }
        if (Routes.RESPONSE.equals(message.operation())) {
            acksByParent.computeIfAbsent(message.parentId(), id -> new AtomicInteger()).incrementAndGet();
            totalAcks.incrementAndGet();
            if (message.parentId().equals(awaitingAck.get())) {
                synchronized (ackSignal) {
                    ackSignal.notifyAll();
                }
            }
            return;
        }
        String refused = CloudCoreParser.refusal(message);
        if (refused != null) {
            cloudCoreLog.add(refused);
            return;
        }
        if (!answerRequests) {
            return;
        }
        if (message.source().equals("metaserver")) {
            dynamic.receive(channel, String.valueOf(channel.attr(NODE).get()), message);
            return;
        }
        JsonNode answer = answerFor(message);
        if (answer != null) {
            String group = message.source().equals("twin") ? Routes.GROUP_TWIN : Routes.GROUP_RESOURCE;
            String source = message.source().equals("twin") ? "devicecontroller" : "edgecontroller";
            Message reply = new Message(Message.newId(), message.id(), System.currentTimeMillis(),
                    answer.path("Object").path("metadata").path("resourceVersion").asText(""), source, group,
                    Routes.RESPONSE, message.source().equals("twin") ? "twin" : message.resource(), answer);
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(MessageCodec.encode(reply))));
        }
    }

    private JsonNode answerFor(Message message) {
        String resource = message.resource();
        if (resource.startsWith("device/")) {
            String[] parts = resource.split("/");
            String device = parts.length > 2 ? parts[1] + "/" + parts[2] : "";
            if (!devices.contains(device)) {
                // DeviceController: "Device %s does not exist in downstream controller", and no answer
                cloudCoreLog.add("Device " + device + " does not exist in downstream controller");
                return null;
            }
            return TextNode.valueOf("OK");
        }
        String[] path = resource.split("/");
        if (path.length < 3) {
            return null;
        }
        ObjectNode content = MessageCodec.mapper().createObjectNode();
        switch (path[1]) {
            case "node" -> {
                return nodeAnswer(message, path[2], content);
            }
            case "nodepatch" -> {
                return nodePatchAnswer(message, path[0], path[2], content);
            }
            case "lease" -> {
                return leaseAnswer(message, content);
            }
            case "podstatus", "pod" -> {
                return TextNode.valueOf("OK");
            }
            case "configmap" -> {
                ObjectNode stored = configMaps.get(path[0] + "/" + path[2]);
                if (stored == null) {
                    content.putObject("ErrStatus").put("status", "Failure").put("reason", "NotFound").put("code", 404);
                    return content;
                }
                return stored;
            }
            default -> {
                return null;
            }
        }
    }

    /** EdgeController's registerNode and queryNode (queryInner) for one Node. */
    private JsonNode nodeAnswer(Message message, String name, ObjectNode content) {
        ObjectNode held = nodes.get(name);
        switch (message.operation()) {
            case Routes.INSERT -> {
                if (held != null) {
                    cloudCoreLog.add("create node " + name + " error: nodes \"" + name + "\" already exists ,"
                            + " register node failed");
                    content.set("Object", NullNode.getInstance());
                    content.putObject("Err").putObject("ErrStatus").put("status", "Failure")
                            .put("message", "nodes \"" + name + "\" already exists").put("reason", "AlreadyExists")
                            .put("code", 409);
                    return content;
                }
                ObjectNode node = ContentDecoder.object(message.content()).orElse(MessageCodec.mapper()
                        .createObjectNode()).deepCopy();
                node.with("metadata").put("uid", "node-uid-1").put("resourceVersion", "1");
                // createNode adds CloudCore's own address (common.EdgeMappingCloudKey)
                node.with("metadata").with("annotations").put("cloudcore", "127.0.0.1");
                ObjectNode created = inCluster(node);
                nodes.put(name, created);
                content.set("Object", created);
                content.set("Err", NullNode.getInstance());
                return content;
            }
            case Routes.QUERY -> {
                if (held == null) {
                    // CloudCore answers and logs a warning ("process failure, resource not found"), as for
                    // any query of a missing object; an answer, not a refusal, so it is not in cloudCoreLog
                    content.putObject("ErrStatus").put("status", "Failure").put("message", "node \"" + name
                            + "\" not found").put("reason", "NotFound").put("code", 404);
                    return content;
                }
                return held.deepCopy();
            }
            case Routes.UPDATE -> {
                // updateNode: a Node the cloud does not have is logged and not answered
                if (held == null) {
                    cloudCoreLog.add("message: " + message.id() + " process failure, node " + name + " not found");
                    return null;
                }
                try {
                    nodes.put(name, inCluster(NodeApi.updateMetadata(held, ContentDecoder.object(message.content())
                            .orElse(MessageCodec.mapper().createObjectNode()))));
                } catch (NodeApi.Refused e) {
                    cloudCoreLog.add("message: " + message.id() + " process failure, update node failed with error: "
                            + e.getMessage() + ", namespace: , name: " + name);
                    return null;
                }
                return TextNode.valueOf("OK");
            }
            default -> {
                return TextNode.valueOf("OK");
            }
        }
    }

    /**
     * A Node written through EdgeController is written to the one cluster DynamicController serves too: it gets
     * the cluster's next resourceVersion and goes to the nodes that watch {@code nodes}.
     */
    private ObjectNode inCluster(ObjectNode node) {
        return dynamic.apply("nodes", node);
    }

    /**
     * EdgeController's patchNode: the content's bytes (a string as it is, anything else as JSON) are a strategic-merge
     * patch of the Node's status subresource; the answer is an ObjectResp with the Node as patched, or with an
     * empty Node and the error (logged by CloudCore).
     */
    private JsonNode nodePatchAnswer(Message message, String namespace, String name, ObjectNode content) {
        ObjectNode held = nodes.get(name);
        NodeApi.Refused refused;
        if (held == null) {
            refused = new NodeApi.Refused("NotFound", 404, "nodes \"" + name + "\" not found");
        } else {
            try {
                JsonNode patch = message.content().isTextual()
                        ? MessageCodec.mapper().readTree(message.content().asText()) : message.content();
                ObjectNode patched = inCluster(NodeApi.patchStatus(held,
                        patch == null ? NullNode.getInstance() : patch));
                nodes.put(name, patched);
                content.set("Object", patched.deepCopy());
                content.set("Err", NullNode.getInstance());
                return content;
            } catch (NodeApi.Refused e) {
                refused = e;
            } catch (IOException e) {
                refused = new NodeApi.Refused("BadRequest", 400, "invalid JSON patch: " + e.getMessage());
            }
        }
        cloudCoreLog.add("message: " + message.id() + " process failure, patch node failed with error: "
                + refused.getMessage() + ", namespace: " + namespace + ", name: " + name);
        ObjectNode empty = content.putObject("Object");
        empty.putObject("metadata").putNull("creationTimestamp");
        empty.putObject("spec");
        empty.putObject("status");
        content.putObject("Err").putObject("ErrStatus").put("status", "Failure").put("message", refused.getMessage())
                .put("reason", refused.reason).put("code", refused.code);
        return content;
    }

    private JsonNode leaseAnswer(Message message, ObjectNode content) {
        ObjectNode current = lease;
        switch (message.operation()) {
            case Routes.QUERY -> {
                if (current == null) {
                    content.set("Object", NullNode.getInstance());
                    content.putObject("Err").putObject("ErrStatus").put("reason", "NotFound").put("code", 404);
                } else {
                    content.set("Object", current);
                    content.set("Err", NullNode.getInstance());
                }
            }
            case Routes.INSERT, Routes.UPDATE -> {
                ObjectNode incoming = (ObjectNode) message.content().deepCopy();
                String expected = current == null ? "" : current.path("metadata").path("resourceVersion").asText();
                String given = incoming.path("metadata").path("resourceVersion").asText("");
                boolean insert = Routes.INSERT.equals(message.operation());
                if (insert && current != null) {
                    content.set("Object", NullNode.getInstance());
                    content.putObject("Err").putObject("ErrStatus").put("reason", "AlreadyExists").put("code", 409);
                } else if (!insert && (current == null || !expected.equals(given))) {
                    content.set("Object", NullNode.getInstance());
                    content.putObject("Err").putObject("ErrStatus")
                            .put("reason", current == null ? "NotFound" : "Conflict").put("code", 409);
                } else {
                    incoming.with("metadata").put("resourceVersion", Long.toString(leaseVersion.incrementAndGet()));
                    lease = incoming;
                    content.set("Object", incoming);
                    content.set("Err", NullNode.getInstance());
                }
            }
            default -> {
                return null;
            }
        }
        return content;
    }

    /** The header and the signature must be this CA's; the payload (expiry) is not checked here. */
    private boolean validBearer(String authorization) {
        if (!authorization.startsWith("Bearer ")) {
            return false;
        }
        String[] presented = authorization.substring("Bearer ".length()).split("\\.");
        String[] expected = pki.jwt().split("\\.");
        return presented.length == 3 && presented[0].equals(expected[0]) && presented[2].equals(expected[2]);
    }

    public ObjectNode lease() {
        return lease;
    }

    /** Checks a frame as strictly as Go's decoder would, plus the trailing newline EdgeCore writes. */
    static String validate(byte[] bytes, boolean text) {
        if (!text) {
            return "binary frame";
        }
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
            return "no trailing newline";
        }
        JsonNode tree;
        try {
            tree = MessageCodec.mapper().readTree(bytes);
        } catch (IOException e) {
            return "not JSON";
        }
        if (tree == null || !tree.isObject()) {
            return "not an object";
        }
        JsonNode header = tree.get("header");
        if (header == null || !header.isObject()) {
            return "no header";
        }
        if (!header.path("msg_id").isTextual() || header.path("msg_id").asText().isEmpty()) {
            return "bad msg_id";
        }
        if (!header.path("timestamp").isIntegralNumber()) {
            return "bad timestamp";
        }
        for (String field : List.of("parent_msg_id", "resourceversion")) {
            if (header.has(field) && !header.get(field).isTextual()) {
                return "bad " + field;
            }
        }
        if (header.has("sync") && !header.get("sync").isBoolean()) {
            return "bad sync";
        }
        JsonNode route = tree.get("route");
        if (route == null || !route.isObject()) {
            return "no route";
        }
        for (String field : List.of("source", "group", "operation", "resource")) {
            if (!route.path(field).isTextual() || route.path(field).asText().isEmpty()) {
                return "bad route." + field;
            }
        }
        if (!tree.has("content")) {
            return "no content";
        }
        String operation = route.path("operation").asText();
        if (Routes.RESPONSE.equals(operation) && !header.path("parent_msg_id").isTextual()) {
            return "response without parent";
        }
        if (!Routes.RESPONSE.equals(operation) && Routes.CLOUD_SOURCES.contains(route.path("source").asText())) {
            return "request with a cloud source";
        }
        if (route.path("resource").asText().startsWith("node/")) {
            return "resource with node prefix";
        }
        return null;
    }

    // ---- certificates --------------------------------------------------------------------------------

    private void signRequest(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, "method not allowed".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] csrDer;
        try (InputStream body = exchange.getRequestBody()) {
            csrDer = body.readAllBytes();
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String nodeName = exchange.getRequestHeaders().getFirst("NodeName");
        if (authorization != null) {
            if (!validBearer(authorization)) {
                reply(exchange, 401, "invalid token".getBytes(StandardCharsets.UTF_8));
                return;
            }
        } else {
            try {
                X509Certificate peer = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
                        .getPeerCertificates()[0];
                peer.verify(pki.ca.getPublicKey());
                if (!Pki.organization(peer).equals(Pki.NODE_ORGANIZATION)
                        || !Pki.commonName(peer).equals(Pki.NODE_CN_PREFIX + nodeName)) {
                    reply(exchange, 401, "wrong subject".getBytes(StandardCharsets.UTF_8));
                    return;
                }
            } catch (SSLPeerUnverifiedException e) {
                reply(exchange, 401, "no token and no certificate".getBytes(StandardCharsets.UTF_8));
                return;
            } catch (Exception e) {
                reply(exchange, 401, e.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        try {
            var request = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csrDer);
            String cn = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(request.getSubject()
                    .getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN)[0].getFirst().getValue());
            Instant now = Instant.now();
            X509Certificate issued = pki.issue(request.getPublicKey(), cn, now.minusSeconds(1),
                    now.plus(certificateLifetime));
            certificatesIssued.incrementAndGet();
            reply(exchange, 200, issued.getEncoded());
        } catch (Exception e) {
            reply(exchange, 500, e.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
            throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private SSLContext serverTls() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pki.serverKeys.getPrivate(), new char[0], new X509Certificate[] {pki.server});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), TlsContexts.trustManagers(pki.ca).getTrustManagers(), null);
        return context;
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        dynamic.close();
        ackWorker.interrupt();
        https.stop(0);
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Records the upgrade request's headers. */
    private final class HeaderRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
            if (message instanceof FullHttpRequest request) {
                lastHeaders.clear();
                request.headers().forEach(header -> lastHeaders.put(header.getKey().toLowerCase(), header.getValue()));
                lastHeaders.put(":path", request.uri());
                context.channel().attr(NODE).set(request.headers().get("node_id"));
            }
            super.channelRead(context, message);
        }
    }

    private final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                connections.incrementAndGet();
                sessions.add(context.channel());
                Runnable hook = onSession;
                if (hook != null) {
                    hook.run();
                }
                context.channel().closeFuture().addListener(future -> sessions.remove(context.channel()));
            }
            super.userEventTriggered(context, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            // a peer killed or gone resets the connection: that is a closed session, nothing more
            context.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
            byte[] bytes = ByteBufUtil.getBytes(frame.content());
            String problem = validate(bytes, frame instanceof TextWebSocketFrame);
            if (problem != null) {
                invalidFrames.incrementAndGet();
                invalidReasons.add(problem + ": " + new String(bytes, 0, Math.min(200, bytes.length),
                        StandardCharsets.UTF_8));
                context.close();
                return;
            }
            onMessage(context.channel(), MessageCodec.decode(bytes));
        }
    }

    static List<String> unmodifiable(List<String> list) {
        return Collections.unmodifiableList(list);
    }

    static KeyPair keys() {
        return Pki.newKeyPair();
    }
}

package io.karedge.kube.api.internal;

import io.karedge.api.json.KaredgeJson;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * One connection's requests, one at a time, on the connection's event-loop thread. A request is checked
 * there as soon as its head is read ({@link KubeApiHandler#admit}): a refused one (no credentials, a foreign
 * Host, a target that does not decode) is answered without ever taking one of the handler's threads. An
 * admitted one runs on the handler's executor while its body, if any, streams in. The connection must
 * deliver each whole request within {@link ConnectionLimits#requestReadTimeout()} of opening or of the end of
 * the previous answer; while a request is answered it reads nothing more (a pipelined request waits).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private final KubeApiHandler handler;
    private final Executor executor;
    private final ConnectionLimiter limiter;
    private final long readTimeoutNanos;
    private final List<Object> pending = new ArrayList<>();
    private ChannelHandlerContext context;
    private NettyExchange current;
    private ScheduledFuture<?> deadline;

    ConnectionHandler(KubeApiHandler handler, Executor executor, ConnectionLimiter limiter, ConnectionLimits limits) {
        this.handler = handler;
        this.executor = executor;
        this.limiter = limiter;
        this.readTimeoutNanos = limits.requestReadTimeout().toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        armDeadline();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!pending.isEmpty() || (msg instanceof HttpRequest && current != null)) {
            pending.add(msg);
            return;
        }
        try {
            if (msg instanceof HttpRequest request) {
                start(ctx, request);
            }
            if (msg instanceof HttpContent content && current != null && !current.body().ended()) {
                current.body().offer(content.content());
                if (msg instanceof LastHttpContent) {
                    current.body().end();
                    requestComplete(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            refuse(ctx, "the request is not valid HTTP: " + request.decoderResult().cause().getMessage());
            return;
        }
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            refuse(ctx, "the request target is not a URI reference: " + Query.abbreviate(e.getReason()));
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        SSLSession session = ssl == null ? null : ssl.engine().getSession();
        NettyExchange exchange = new NettyExchange(ctx.channel(), request, uri, session, new BodyStream(ctx.channel()),
                () -> afterAnswer(ctx));
        current = exchange;
        if (!handler.admit(exchange)) {
            return;
        }
        try {
            executor.execute(() -> handler.serve(exchange));
        } catch (RejectedExecutionException e) {
            ctx.close();
        }
    }

    private void afterAnswer(ChannelHandlerContext ctx) {
        try {
            ctx.executor().execute(this::answered);
        } catch (RejectedExecutionException e) {
            // the server is stopping: its connections close with it
        }
    }

    /** A request the decoder could not read: a 400 Status, and the connection closes. */
    private static void refuse(ChannelHandlerContext ctx, String message) {
        byte[] body;
        try {
            body = KaredgeJson.mapper().writeValueAsBytes(KubeStatusException.badRequest(message).status());
        } catch (IOException e) {
            body = new byte[0];
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void requestComplete(ChannelHandlerContext ctx) {
        cancelDeadline();
        limiter.busy(ctx.channel(), true);
        ctx.channel().config().setAutoRead(false);
    }

    /** The answer to the current request is complete: close, or wait for the next request. */
    private void answered() {
        NettyExchange done = current;
        if (done == null) {
            return;
        }
        if (done.closesConnection() || !done.body().ended() || !context.channel().isActive()) {
            context.close();
            return;
        }
        current = null;
        limiter.busy(context.channel(), false);
        armDeadline();
        context.channel().config().setAutoRead(true);
        List<Object> next = new ArrayList<>(pending);
        pending.clear();
        for (Object message : next) {
            channelRead(context, message);
        }
    }

    private void armDeadline() {
        cancelDeadline();
        deadline = context.executor().schedule(() -> {
            if (current == null || !current.body().ended()) {
                context.close();
            }
        }, readTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.wakeWriter();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        if (current != null) {
            current.body().fail(new IOException("the client closed the connection"));
            current.wakeWriter();
        }
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset connection, a failed TLS handshake: nothing to tell a client that is gone
        ctx.close();
    }
}

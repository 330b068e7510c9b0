package io.karedge.kube.api.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the number of open connections within {@link ConnectionLimits}: first in every connection's pipeline,
 * it admits a new connection or makes room for it by closing the connection that has waited longest without
 * a complete request (a half-sent request or an idle keep-alive connection). Connections busy with a request
 * or a watch are never closed for room; when all are busy, the new one is closed at once. So a client that
 * opens connections and sends nothing, or half a request, pushes out only its own kind.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final ConnectionLimits limits;
    /** Open connections, oldest first; {@code true} while one is busy with a complete request. */
    private final Map<Channel, Boolean> open = new LinkedHashMap<>();

    ConnectionLimiter(ConnectionLimits limits) {
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (admit(ctx.channel())) {
            super.channelActive(ctx);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        synchronized (this) {
            open.remove(ctx.channel());
        }
        super.channelInactive(ctx);
    }

    /** Marks a connection busy (a complete request is being answered) or waiting for its next request. */
    synchronized void busy(Channel channel, boolean busy) {
        open.computeIfPresent(channel, (c, was) -> busy);
    }

    synchronized int openConnections() {
        return open.size();
    }

    private boolean admit(Channel channel) {
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
        Channel victim = null;
        Channel second = null;
        synchronized (this) {
            if (address != null && !address.isLoopbackAddress()
                    && count(address) >= limits.connectionsPerAddressMax()) {
                victim = oldestWaiting(address);
                if (victim == null) {
                    return false;
                }
                open.remove(victim);
            }
            if (open.size() >= limits.connectionsMax()) {
                second = oldestWaiting(null);
                if (second == null) {
                    closeQuietly(victim);
                    return false;
                }
                open.remove(second);
            }
            open.put(channel, false);
        }
        closeQuietly(victim);
        closeQuietly(second);
        return true;
    }

    private int count(InetAddress address) {
        int count = 0;
        for (Channel channel : open.keySet()) {
            if (channel.remoteAddress() instanceof InetSocketAddress socket && address.equals(socket.getAddress())) {
                count++;
            }
        }
        return count;
    }

    /** @param address only connections from this address, or any when {@code null} */
    private Channel oldestWaiting(InetAddress address) {
        Iterator<Map.Entry<Channel, Boolean>> entries = open.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Channel, Boolean> entry = entries.next();
            if (!entry.getValue() && (address == null || (entry.getKey().remoteAddress() instanceof InetSocketAddress
                    socket && address.equals(socket.getAddress())))) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close();
        }
    }
}

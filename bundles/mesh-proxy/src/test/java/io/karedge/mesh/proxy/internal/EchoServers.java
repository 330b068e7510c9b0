package io.karedge.mesh.proxy.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The echo servers of one test, closed together. */
final class EchoServers implements AutoCloseable {

    private final List<EchoServer> servers = new ArrayList<>();

    EchoServer start(String name) throws IOException {
        return start(name, 0);
    }

    EchoServer start(String name, int port) throws IOException {
        EchoServer server = new EchoServer(name, port);
        servers.add(server);
        return server;
    }

    @Override
    public void close() throws IOException {
        for (EchoServer server : servers) {
            server.close();
        }
    }
}

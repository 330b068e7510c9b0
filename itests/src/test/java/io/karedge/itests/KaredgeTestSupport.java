package io.karedge.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots the built Karedge distribution (not a hand-assembled container) with free loopback ports.
 * Tests of one class share one boot; group checks by boot to keep the suite fast.
 */
public abstract class KaredgeTestSupport {

    // before the ports below: static fields are initialized in the order they are written
    private static final int FIRST_PORT = 21_000;
    private static final int LAST_PORT = 32_000;
    private static final java.util.Random PORTS = new java.util.Random();
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    protected static final int HTTP_PORT = freePort();
    protected static final int SSH_PORT = freePort();
    protected static final int MQTT_PORT = freePort();
    protected static final int KUBE_API_PORT = freePort();

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    protected Option[] baseConfiguration(Option... extra) {
        String distribution = System.getProperty("karedge.distribution");
        if (distribution == null) {
            throw new IllegalStateException("system property karedge.distribution is not set (run through Maven)");
        }
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(distribution).toURI().toString())
                        .name("Karedge")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                vmOption("-Djdk.util.zip.disableZip64ExtraFieldValidation=true"),
                vmOption("-Xmx256m"),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                        String.valueOf(HTTP_PORT)),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(SSH_PORT)),
                editConfigurationFilePut("etc/io.karedge.node.cfg", "node.name", "itest-node"),
                editConfigurationFilePut("etc/io.karedge.eventbus.cfg", "port", String.valueOf(MQTT_PORT)),
                // the tests' MQTT clients connect without a user, as KubeEdge apps do; MqttAccessIT turns it off
                editConfigurationFilePut("etc/io.karedge.eventbus.cfg", "allow.anonymous", "true"),
                systemProperty("karedge.itest.mqtt.port").value(String.valueOf(MQTT_PORT)),
                editConfigurationFilePut("etc/io.karedge.kube.api.cfg", "port", String.valueOf(KUBE_API_PORT)),
                systemProperty("karedge.itest.kubeapi.port").value(String.valueOf(KUBE_API_PORT)),
                systemProperty("karedge.itest.http.port").value(String.valueOf(HTTP_PORT))));
        if (Runtime.version().feature() >= 24) {
            // what bin/karedge-java adds on Java 24 and later; Pax Exam builds the node's command line itself
            options.add(vmOption("-javaagent:" + System.getProperty("karedge.jdk.compat")));
            options.add(vmOption("--enable-native-access=ALL-UNNAMED"));
            options.add(vmOption("--sun-misc-unsafe-memory-access=allow"));
        }
        String m2 = System.getProperty("karedge.itest.m2", "");
        if (!m2.isBlank()) {
            options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository", m2));
        }
        if (Boolean.getBoolean("karedge.itest.keep")) {
            options.add(keepRuntimeFolder());
        }
        options.addAll(List.of(extra));
        return options.toArray(new Option[0]);
    }

    /**
     * A loopback port free now, below Linux's ephemeral range (32768 and up), never handed out twice by this JVM:
     * a port of that range can be taken, before the node binds it, as the source port of an outgoing connection.
     */
    protected static synchronized int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FIRST_PORT + PORTS.nextInt(LAST_PORT - FIRST_PORT + 1);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + FIRST_PORT + " and " + LAST_PORT);
    }


    protected static int mqttPort() {
        return Integer.getInteger("karedge.itest.mqtt.port", MQTT_PORT);
    }

    /** The port of the local Kubernetes API, once {@code karedge-kube-api} is installed. */
    protected static int kubeApiPort() {
        return Integer.getInteger("karedge.itest.kubeapi.port", KUBE_API_PORT);
    }

    protected static int httpPort() {
        return Integer.getInteger("karedge.itest.http.port", HTTP_PORT);
    }

    /** {@code Bearer <token>}: the node's token, as its user reads it from the file the node made. */
    protected static String bearer() {
        try {
            return "Bearer " + java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("karaf.data"),
                    "karedge", "api-token")).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the node has not made its token file yet", e);
        }
    }

    /** The kubeconfig the node wrote for its user (HTTPS, the node's certificate, the token file). */
    protected static String kubeconfig() {
        return java.nio.file.Path.of(System.getProperty("karaf.data"), "karedge", "kubeconfig").toString();
    }

    /** A request as the node's user sends it: with the node's token. */
    protected static java.net.http.HttpRequest.Builder authorized(java.net.URI uri) {
        return java.net.http.HttpRequest.newBuilder(uri).header("Authorization", bearer());
    }

    /** Runs a shell command as a user would type it and returns what it printed. */
    protected String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The current service of a type, waiting up to 30 s for it (services come and go across bundle updates). */
    protected <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(30_000);
            if (service == null) {
                throw new AssertionError("no " + type.getName() + " service within 30 s");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    protected boolean hasService(Class<?> type) {
        return bundleContext.getServiceReference(type) != null;
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    protected static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
        }
    }
}

package io.karedge.runtime.cri.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.karedge.api.node.EdgeNode;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.StreamRequest;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/**
 * The runtime the node registers is the component, not {@link CriPodRuntime}: each runtime operation must reach
 * the CRI runtime through it, including those with a default in {@link PodRuntime} (a default there refuses
 * exec and reports no usage, which would hide a CRI runtime's streams and usage behind a working pod list).
 */
class CriRuntimeComponentTest {

    @TempDir
    Path data;

    @Test
    void everyRuntimeOperationIsPassedOnIncludingThoseWithADefault() {
        List<String> notPassedOn = Arrays.stream(PodRuntime.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declares(CriRuntimeComponent.class, method))
                .map(Method::getName)
                .toList();

        assertThat(notPassedOn).as("PodRuntime methods the component leaves to the interface").isEmpty();
    }

    @Test
    void execAndUsageReachTheCriRuntime() {
        String socket = data.resolve("no-containerd.sock").toString();
        CriRuntimeComponent component = new CriRuntimeComponent(context(), node(), config(socket));
        try {
            PodRuntimeException exec = catchThrowableOfType(() -> component.streamUrl(
                    new PodRef("uid-1", "default", "hello"), "main",
                    StreamRequest.exec(List.of("sh"), true, true, true, false)), PodRuntimeException.class);
            assertThat(exec.reason()).as("the CRI runtime's answer, not the interface's refusal")
                    .isNotEqualTo("StreamingNotSupported");

            PodRuntimeException usage = catchThrowableOfType(component::usage, PodRuntimeException.class);
            assertThat(usage).as("usage asks the CRI runtime, which is not there").isNotNull();
            assertThat(usage.getMessage()).contains(socket);
        } finally {
            component.deactivate();
        }
    }

    private static boolean declares(Class<?> type, Method method) {
        try {
            type.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> null);
    }

    private EdgeNode node() {
        return (EdgeNode) Proxy.newProxyInstance(EdgeNode.class.getClassLoader(), new Class<?>[] {EdgeNode.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "dataDirectory" -> data;
                    case "nodeName" -> "node-1";
                    default -> null;
                });
    }

    private static CriRuntimeComponent.Config config(String socket) {
        return (CriRuntimeComponent.Config) Proxy.newProxyInstance(CriRuntimeComponent.Config.class.getClassLoader(),
                new Class<?>[] {CriRuntimeComponent.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "endpoint" -> socket;
                    case "pods_first" -> false;
                    case "timeout_ms", "pull_timeout_ms" -> 2_000L;
                    case "status_interval_ms" -> 60_000L;
                    default -> method.getDefaultValue();
                });
    }
}

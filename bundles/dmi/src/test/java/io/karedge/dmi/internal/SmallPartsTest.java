package io.karedge.dmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.dmi.internal.proto.Device;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SmallPartsTest {

    private static Push push(Push.Type type, String desired) {
        return Push.device(type, Device.newBuilder().setName("d").setNamespace("ns")
                .setStatus(io.karedge.dmi.internal.proto.DeviceStatus.newBuilder().setReportCycle(desired.length()))
                .build());
    }

    @Test
    void pushesForOneSubjectFold() {
        Push register = push(Push.Type.REGISTER_DEVICE, "a");
        Push update = push(Push.Type.UPDATE_DEVICE, "bb");
        Push remove = push(Push.Type.REMOVE_DEVICE, "");

        assertThat(register.fold(update).type()).isEqualTo(Push.Type.REGISTER_DEVICE);
        assertThat(register.fold(update).device().getStatus().getReportCycle()).isEqualTo(2);
        assertThat(update.fold(update).type()).isEqualTo(Push.Type.UPDATE_DEVICE);
        assertThat(update.fold(remove)).isSameAs(remove);
        assertThat(remove.fold(register)).isNull();
        assertThat(register.fold(Push.device(Push.Type.UPDATE_DEVICE, Device.newBuilder().setName("other").build())))
                .isNull();
    }

    @Test
    void tokenBucketRefills() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(2, 3, now::get);

        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
        now.addAndGet(500_000_000L);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
        assertThat(new TokenBucket(0, 1, now::get).tryAcquire()).isTrue();
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff backoff = new Backoff(100, 350);
        assertThat(backoff.next()).isEqualTo(100);
        assertThat(backoff.next()).isEqualTo(200);
        assertThat(backoff.next()).isEqualTo(350);
        assertThat(backoff.next()).isEqualTo(350);
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(100);
    }

    @Test
    void socketPathIsAFileOrADirectory() {
        assertThat(DmiSettings.socketPath("/etc/kubeedge/dmi.sock")).isEqualTo(Path.of("/etc/kubeedge/dmi.sock"));
        assertThat(DmiSettings.socketPath("/etc/kubeedge")).isEqualTo(Path.of("/etc/kubeedge/dmi.sock"));
    }

    @Test
    void modelTypesBecomeTwinTypes() {
        assertThat(DeviceCatalog.twinTypeOf("INT")).contains("int");
        assertThat(DeviceCatalog.twinTypeOf("DOUBLE")).contains("float");
        assertThat(DeviceCatalog.twinTypeOf("BOOLEAN")).contains("boolean");
        assertThat(DeviceCatalog.twinTypeOf("BYTES")).isEmpty();
    }
}

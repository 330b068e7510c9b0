package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheKeyAsPkcs8AndAsSec1WithAndWithoutTheCurve() throws Exception {
        TunnelCredentials issued = new TestPki("ca").node("edge-1");
        write("ca.crt", pem(issued.ca()));
        write("edge.crt", pem(issued.chain().get(0)));
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(issued.key().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(issued.chain().get(0).getPublicKey().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                publicInfo.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());

        for (String key : new String[] {
            block("PRIVATE KEY", issued.key().getEncoded()),
            block("EC PRIVATE KEY", withCurve.getEncoded()),
            block("EC PRIVATE KEY", inner.getEncoded())}) {
            write("edge.key", key);
            TunnelCredentials loaded = PemCredentials.load(dir.resolve("ca.crt"), dir.resolve("edge.crt"),
                    dir.resolve("edge.key"));
            assertThat(((ECPrivateKey) loaded.key()).getS()).isEqualTo(((ECPrivateKey) issued.key()).getS());
            assertThat(loaded.nodeName()).isEqualTo("edge-1");
            assertThat(loaded.ca()).isEqualTo(issued.ca());
        }
        write("edge.key", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> PemCredentials.load(dir.resolve("ca.crt"), dir.resolve("edge.crt"), dir.resolve("edge.key")))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("no PRIVATE KEY");
    }

    private void write(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }

    private static String pem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static String block(String type, byte[] der) throws Exception {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        }
        return text.toString();
    }
}

package io.karedge.mesh.proxy.internal.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tunnel's credentials from PEM files: the CA and the node certificate ({@code CERTIFICATE}
 * blocks; the node file may hold a chain) and the key as {@code PRIVATE KEY} (PKCS#8) or {@code EC PRIVATE
 * KEY} (SEC1, as the cloud bridge stores the key CloudCore's certificate was issued for).
 */
public final class PemCredentials {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

    private PemCredentials() {
    }

    public static TunnelCredentials load(Path ca, Path certificate, Path key) throws IOException, GeneralSecurityException {
        List<X509Certificate> authorities = certificates(ca);
        List<X509Certificate> chain = certificates(certificate);
        if (authorities.isEmpty() || chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + (authorities.isEmpty() ? ca : certificate));
        }
        return new TunnelCredentials(privateKey(key, chain.get(0)), chain, authorities.get(0));
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> result = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            factory.generateCertificates(in).forEach(c -> result.add((X509Certificate) c));
        }
        return result;
    }

    /** @param certificate the key's certificate: its public key names the curve a SEC1 key may leave out */
    static PrivateKey privateKey(Path file, X509Certificate certificate) throws IOException, GeneralSecurityException {
        Matcher block = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2).trim());
            switch (block.group(1)) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der);
                }
                case "EC PRIVATE KEY" -> {
                    return KeyFactory.getInstance("EC").generatePrivate(
                            new PKCS8EncodedKeySpec(sec1ToPkcs8(der, certificate.getPublicKey().getEncoded())));
                }
                default -> {
                    // parameters and other blocks are skipped
                }
            }
        }
        throw new GeneralSecurityException("no PRIVATE KEY or EC PRIVATE KEY block in " + file);
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next
            }
        }
        throw new GeneralSecurityException("unsupported PKCS#8 key");
    }

    /**
     * SEC1 {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OPTIONAL, ... }}
     * wrapped as PKCS#8: {@code SEQUENCE { 0, AlgorithmIdentifier, OCTET STRING { sec1 } }}. The algorithm
     * identifier ({@code id-ecPublicKey} and the curve) is taken from the certificate's public key, since the
     * SEC1 parameters are optional and often left out.
     */
    static byte[] sec1ToPkcs8(byte[] sec1, byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        Der outer = new Der(subjectPublicKeyInfo, 0);
        Der algorithm = new Der(subjectPublicKeyInfo, outer.contentStart);
        if (outer.tag != 0x30 || algorithm.tag != 0x30) {
            throw new GeneralSecurityException("the certificate's public key is not a DER SubjectPublicKeyInfo");
        }
        if (new Der(sec1, 0).tag != 0x30) {
            throw new GeneralSecurityException("EC PRIVATE KEY is not a DER sequence");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.write(subjectPublicKeyInfo, outer.contentStart, algorithm.end - outer.contentStart);
        body.writeBytes(tlv(0x04, sec1));
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** One DER element at an offset: its tag, where its content starts and where it ends. */
    private static final class Der {

        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] data, int offset) throws GeneralSecurityException {
            if (offset + 2 > data.length) {
                throw new GeneralSecurityException("truncated DER");
            }
            tag = data[offset] & 0xff;
            int length = data[offset + 1] & 0xff;
            int start = offset + 2;
            if (length >= 0x80) {
                int bytes = length & 0x7f;
                if (bytes == 0 || bytes > 3 || start + bytes > data.length) {
                    throw new GeneralSecurityException("bad DER length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (data[start + i] & 0xff);
                }
                start += bytes;
            }
            contentStart = start;
            end = start + length;
            if (end > data.length) {
                throw new GeneralSecurityException("truncated DER");
            }
        }
    }
}

package dev.kubeguard.audit.sinks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM that kubeconfig files hold, with the JDK alone: X.509 certificates, and private
 * keys as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
 * ({@code EC PRIVATE KEY}), the three forms {@code kubectl} and {@code openssl} write. The two
 * legacy forms are wrapped into PKCS#8, which needs only the algorithm identifier in front.
 * Stateless; errors are {@link IllegalArgumentException}s that never quote key material.
 */
final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  // DER of the OIDs: rsaEncryption 1.2.840.113549.1.1.1 and id-ecPublicKey 1.2.840.10045.2.1.
  private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  private static final byte[] DER_NULL = {0x05, 0x00};

  private Pem() {}

  /** Every certificate in {@code pem}, in order; at least one. */
  static List<X509Certificate> certificates(byte[] pem, String what) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(what + " holds no PEM certificate");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " is not a PEM X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** The one private key in {@code pem}. */
  static PrivateKey privateKey(byte[] pem, String what) {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + ": the " + type + " block is not valid base64", e);
      }
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der, what, "RSA", "EC", "Ed25519", "Ed448");
        case "RSA PRIVATE KEY":
          return pkcs8(wrap(sequence(RSA_OID, DER_NULL), der), what, "RSA");
        case "EC PRIVATE KEY":
          return pkcs8(wrap(sequence(EC_OID, sec1Curve(der, what)), der), what, "EC");
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(
              what + " is an encrypted private key: a webhook kubeconfig needs it unencrypted (openssl pkcs8 -nocrypt)");
        default:
          // other blocks (EC PARAMETERS, certificates) may sit next to the key
      }
    }
    throw new IllegalArgumentException(what + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der, String what, String... algorithms) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : algorithms) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // the key is of another algorithm
      }
    }
    throw new IllegalArgumentException(what + " is not a " + String.join(", ", algorithms) + " private key the JDK reads");
  }

  /** PKCS#8 PrivateKeyInfo: version 0, the algorithm identifier, the key as an OCTET STRING. */
  private static byte[] wrap(byte[] algorithmIdentifier, byte[] key) {
    return sequence(new byte[] {0x02, 0x01, 0x00}, algorithmIdentifier, tlv(0x04, key));
  }

  /** The named-curve OID in a SEC1 ECPrivateKey's {@code [0]} parameters. */
  private static byte[] sec1Curve(byte[] der, String what) {
    Der seq = new Der(der, what);
    Der body = seq.enter(0x30);
    body.skip(0x02); // version
    body.skip(0x04); // the private key
    if (body.peek() != (byte) 0xa0) {
      throw new IllegalArgumentException(what + ": EC PRIVATE KEY without its curve: write it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
    }
    Der params = body.enter(0xa0);
    return params.element(0x06);
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    return tlv(0x30, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** A cursor over DER elements; just enough to find a curve OID. */
  private static final class Der {
    private final byte[] b;
    private final String what;
    private int pos;
    private final int end;

    Der(byte[] b, String what) {
      this(b, 0, b.length, what);
    }

    private Der(byte[] b, int from, int end, String what) {
      this.b = b;
      this.pos = from;
      this.end = end;
      this.what = what;
    }

    byte peek() {
      return pos < end ? b[pos] : 0;
    }

    /** The content of the next element, which must have {@code tag}, as a new cursor. */
    Der enter(int tag) {
      int[] r = header(tag);
      pos = r[0] + r[1];
      return new Der(b, r[0], r[0] + r[1], what);
    }

    void skip(int tag) {
      int[] r = header(tag);
      pos = r[0] + r[1];
    }

    /** The next element, tag and length included. */
    byte[] element(int tag) {
      int start = pos;
      int[] r = header(tag);
      pos = r[0] + r[1];
      return Arrays.copyOfRange(b, start, pos);
    }

    private int[] header(int tag) {
      if (pos + 2 > end || (b[pos] & 0xff) != tag) {
        throw new IllegalArgumentException(what + ": not a DER-encoded EC PRIVATE KEY");
      }
      int p = pos + 1;
      int len = b[p++] & 0xff;
      if (len >= 0x80) {
        int bytes = len & 0x7f;
        if (bytes > 3 || p + bytes > end) {
          throw new IllegalArgumentException(what + ": not a DER-encoded EC PRIVATE KEY");
        }
        len = 0;
        for (int i = 0; i < bytes; i++) {
          len = (len << 8) | (b[p++] & 0xff);
        }
      }
      if (p + len > end) {
        throw new IllegalArgumentException(what + ": truncated DER");
      }
      return new int[] {p, len};
    }
  }
}

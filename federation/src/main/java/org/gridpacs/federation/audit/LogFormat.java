package org.gridpacs.federation.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The framing of the local audit log: per record one header line, then the XML and a newline:
 * <pre>AUDIT 1 &lt;epoch millis&gt; &lt;EventID&gt; &lt;length&gt; &lt;crc32 hex&gt;\n&lt;XML of length bytes&gt;\n</pre>
 * The CRC-32 covers the header's time, event and length and the XML, so a record cut by a crash (kill -9, power
 * loss) or damaged is recognised and never returned. The time and EventID in the header let a reader skip records
 * out of its time range without parsing their XML. Text, so {@code less} and {@code grep} work on it too.
 */
final class LogFormat {
    static final String MAGIC = "AUDIT 1 ";
    private static final int MAX_HEADER = 80;
    /** Far above any message of ours; a larger length is damage, not a record. */
    static final int MAX_RECORD = 16 << 20;

    private LogFormat() {
    }

    static byte[] frame(long epochMillis, String eventCode, byte[] xml) {
        String fields = epochMillis + " " + eventCode + " " + xml.length;
        String header = MAGIC + fields + " " + String.format("%08x", crc(fields, xml)) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + xml.length + 1];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(xml, 0, out, h.length, xml.length);
        out[out.length - 1] = '\n';
        return out;
    }

    private static long crc(String fields, byte[] xml) {
        CRC32 crc = new CRC32();
        crc.update(fields.getBytes(StandardCharsets.US_ASCII));
        crc.update(xml);
        return crc.getValue();
    }

    /** A record read: its header's time and event, its XML, and how many bytes it took. */
    record Frame(long epochMillis, String eventCode, byte[] xml, int size) {
    }

    /**
     * The next record of the stream, null at a clean end, or {@link Torn} when what follows is not a whole, intact
     * record (cut short or damaged): a reader stops there.
     */
    static Frame next(InputStream in) throws IOException, Torn {
        StringBuilder header = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                if (header.length() == 0) {
                    return null;
                }
                throw new Torn("record header cut short");
            }
            if (header.length() >= MAX_HEADER || c > 127) {
                throw new Torn("not a record header");
            }
            header.append((char) c);
        }
        String h = header.toString();
        if (!h.startsWith(MAGIC)) {
            throw new Torn("not a record header");
        }
        String[] f = h.substring(MAGIC.length()).split(" ");
        if (f.length != 4) {
            throw new Torn("bad record header");
        }
        long millis;
        int length;
        long crc;
        try {
            millis = Long.parseLong(f[0]);
            length = Integer.parseInt(f[2]);
            crc = Long.parseLong(f[3], 16);
        } catch (NumberFormatException e) {
            throw new Torn("bad record header");
        }
        if (length < 0 || length > MAX_RECORD) {
            throw new Torn("bad record length " + length);
        }
        byte[] xml = in.readNBytes(length);
        int end = in.read();
        if (xml.length < length || end < 0) {
            throw new Torn("record cut short");
        }
        if (end != '\n' || crc(f[0] + " " + f[1] + " " + f[2], xml) != crc) {
            throw new Torn("record damaged (CRC mismatch)");
        }
        return new Frame(millis, f[1], xml, h.length() + 1 + length + 1);
    }

    /** What follows is not a whole record. */
    static final class Torn extends Exception {
        Torn(String message) {
            super(message, null, false, false);
        }
    }
}

package org.gridpacs.gateway.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A remote application entity as administrators write it: {@code AET@HOST:PORT}. IPv6 hosts go in brackets
 * ({@code PACS@[::1]:104}). Parsing fails with a message that says what is wrong, since a typo here is the most
 * common reason a DICOM command does not work.
 */
public record Peer(String aet, String host, int port) {

    /** Parses {@code AET@HOST:PORT}; {@link IllegalArgumentException} says what is wrong. */
    public static Peer parse(String text) {
        String s = text == null ? "" : text.strip();
        int at = s.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("expected AET@HOST:PORT (for example ORTHANC@pacs.example.org:4242), got \""
                    + s + "\": no '@' between AE title and host");
        }
        String aet = checkAETitle(s.substring(0, at));
        HostPort hp = HostPort.parse(s.substring(at + 1), -1, "AET@HOST:PORT");
        return new Peer(aet, hp.host(), hp.port());
    }

    /** AE title rules of PS3.5 (VR AE): 1 to 16 characters, no backslash or control characters. */
    static String checkAETitle(String aet) {
        String t = aet.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty AE title");
        }
        if (t.length() > 16) {
            throw new IllegalArgumentException("AE title \"" + t + "\" is longer than 16 characters");
        }
        for (char c : t.toCharArray()) {
            if (c == '\\' || c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("AE title \"" + t + "\" contains a backslash or a non-printable character");
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return aet + "@" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** HOST:PORT, with IPv6 hosts in brackets; {@code defaultPort} -1 makes the port mandatory. */
    record HostPort(String host, int port) {
        static HostPort parse(String s, int defaultPort, String form) {
            String host;
            String rest;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '[' in host \"" + s + "\"");
                }
                host = s.substring(1, close);
                rest = s.substring(close + 1);
            } else {
                int colon = s.lastIndexOf(':');
                host = colon < 0 ? s : s.substring(0, colon);
                rest = colon < 0 ? "" : s.substring(colon);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("no host in \"" + s + "\" (expected " + form + ")");
            }
            if (rest.isEmpty()) {
                if (defaultPort < 0) {
                    throw new IllegalArgumentException("no port in \"" + s + "\" (expected " + form + ")");
                }
                return new HostPort(host, defaultPort);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("unexpected \"" + rest + "\" after the host (expected " + form + ")");
            }
            return new HostPort(host, parsePort(rest.substring(1)));
        }
    }

    static int parsePort(String p) {
        int port;
        try {
            port = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port \"" + p + "\" is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        return port;
    }

    /** Lets picocli report a bad {@code -c} value as a usage error (exit status 2) with our message. */
    public static final class Converter implements ITypeConverter<Peer> {
        @Override
        public Peer convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Checks a bare AE title option such as {@code -b}. */
    public static final class AETitleConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return checkAETitle(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

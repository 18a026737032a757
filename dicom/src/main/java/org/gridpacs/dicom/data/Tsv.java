package org.gridpacs.dicom.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the generated tab-separated resources of this package ({@code #} starts a comment line). */
final class Tsv {

    private Tsv() {
    }

    /** The rows of a resource next to this class, each split on tabs (empty trailing fields kept). */
    static List<String[]> read(String resource, int columns) {
        InputStream in = Tsv.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Missing resource " + resource + " in package " + Tsv.class.getPackageName());
        }
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                String[] row = line.split("\t", -1);
                if (row.length != columns) {
                    throw new IllegalStateException(resource + ": expected " + columns + " columns in: " + line);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
        return rows;
    }

    /**
     * An 8-digit tag pattern such as {@code 60xx3000} as {value, mask}: each {@code x} is a 0 digit in the value
     * and in the mask, each hex digit is itself in the value and F in the mask.
     */
    static int[] pattern(String text) {
        if (text.length() != 8) {
            throw new IllegalStateException("Bad tag pattern " + text);
        }
        int value = 0;
        int mask = 0;
        for (int i = 0; i < 8; i++) {
            char c = text.charAt(i);
            boolean wild = c == 'x' || c == 'X';
            int digit = wild ? 0 : Character.digit(c, 16);
            if (digit < 0) {
                throw new IllegalStateException("Bad tag pattern " + text);
            }
            value = value << 4 | digit;
            mask = mask << 4 | (wild ? 0 : 0xF);
        }
        return new int[] {value, mask};
    }

    /**
     * The VR to decode a value with when the data set does not say (implicit VR): "OB|OW", "US|OW" and
     * "US|SS|OW" give OW, "US|SS" gives US, "NONE" (item and delimitation tags) gives null.
     */
    static VR implicitVR(String vrs) {
        if (vrs.equals("NONE")) {
            return null;
        }
        if (vrs.indexOf('|') < 0) {
            return VR.valueOf(vrs);
        }
        return vrs.contains("OW") ? VR.OW : VR.valueOf(vrs.substring(0, vrs.indexOf('|')));
    }
}

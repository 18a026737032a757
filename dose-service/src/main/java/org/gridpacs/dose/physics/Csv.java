package org.gridpacs.dose.physics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small CSV table with '#' comment lines (kept: they carry the citations) and one header row. */
public final class Csv {
    public final List<String> comments = new ArrayList<>();
    public final String[] header;
    public final List<String[]> rows = new ArrayList<>();

    private Csv(BufferedReader in) throws IOException {
        String[] h = null;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("#")) {
                comments.add(line);
            } else if (!line.isBlank()) {
                String[] cells = line.split(",", -1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].trim();
                }
                if (h == null) {
                    h = cells;
                } else {
                    rows.add(cells);
                }
            }
        }
        if (h == null) {
            throw new IOException("no header row");
        }
        header = h;
    }

    /** A table from this module's resources, {@code org/gridpacs/dose/data/NAME}. */
    public static Csv resource(String name) {
        String path = "/org/gridpacs/dose/data/" + name;
        try (InputStream s = Csv.class.getResourceAsStream(path)) {
            if (s == null) {
                throw new IllegalArgumentException("missing resource " + path);
            }
            return new Csv(new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    public static Csv file(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Csv(r);
        }
    }

    public int column(String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name + " in " + String.join(",", header));
    }

    public double[] doubles(String name) {
        int c = column(name);
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(rows.get(i)[c]);
        }
        return v;
    }
}

package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;

/**
 * Part 10 files read back and compared with what was sent, element by element (failures show the elements that
 * differ, {@link DataSetDiff}), with the normalisations that a DCMTK peer's decoding and re-encoding needs; for
 * the end-to-end and command-line tests of every module (dicom's test-jar).
 */
public final class Instances {
    private Instances() {
    }

    /** A file read whole: meta information (null if it has none), data set, transfer syntax. */
    public record Instance(Path file, DataSet fmi, DataSet dataSet, String transferSyntaxUID) {
        /** The data set's SOP Instance UID, else the meta information's. */
        public String sopInstanceUID() {
            String s = dataSet.getString(Tag.SOPInstanceUID);
            return s != null || fmi == null ? s : fmi.getString(Tag.MediaStorageSOPInstanceUID);
        }

        /** The data set's SOP Class UID, else the meta information's (some test files have it only there). */
        public String sopClassUID() {
            String s = dataSet.getString(Tag.SOPClassUID);
            return s != null || fmi == null ? s : fmi.getString(Tag.MediaStorageSOPClassUID);
        }
    }

    public static Instance read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            DataSet ds = in.readDataSet();
            return new Instance(file, fmi, ds, in.transferSyntax().uid());
        }
    }

    /**
     * Every regular file below {@code dir} (none when it does not exist; names starting with '.' left out) by the
     * SOP Instance UID its data set names; two files holding the same instance fail.
     */
    public static Map<String, Path> bySopInstanceUID(Path dir) throws IOException {
        return bySopInstanceUID(dir, false);
    }

    /** As {@link #bySopInstanceUID(Path)}, but of two files holding the same instance the one walked last is kept. */
    public static Map<String, Path> bySopInstanceUIDLastWins(Path dir) throws IOException {
        return bySopInstanceUID(dir, true);
    }

    private static Map<String, Path> bySopInstanceUID(Path dir, boolean lastWins) throws IOException {
        Map<String, Path> map = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return map;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().startsWith(".")) {
                    Path before = map.put(read(p).sopInstanceUID(), p);
                    if (before != null && !lastWins) {
                        throw new AssertionError("two files in " + dir + " hold the same instance: " + before + ", " + p);
                    }
                }
            }
        }
        return map;
    }

    /** A copy without Data Set Trailing Padding (FFFC,FFFC), or {@code ds} itself when it has none. */
    public static DataSet withoutTrailingPadding(DataSet ds) {
        if (!ds.contains(Tag.DataSetTrailingPadding)) {
            return ds;
        }
        DataSet copy = ds.copy();
        copy.remove(Tag.DataSetTrailingPadding);
        return copy;
    }

    /**
     * Normalises, in place, what DCMTK changes in any data set it decodes and writes again, none of which changes
     * the instance: Data Set Trailing Padding (FFFC,FFFC) is dropped on every write (PS3.10 7.2 lets it), and
     * encapsulated Pixel Data is written as OB even when the file had OW (PS3.5 A.4 says OB; both mean the same
     * fragments). Group lengths, which DCMTK may add or drop, are never in our data sets: our reader drops them.
     */
    public static DataSet normalizeLikeDcmtk(DataSet ds) {
        ds.remove(Tag.DataSetTrailingPadding);
        if (ds.getValue(Tag.PixelData) instanceof Fragments f) {
            ds.setValue(Tag.PixelData, VR.OB, f);
        }
        return ds;
    }

    /**
     * {@link #normalizeLikeDcmtk}, and the trailing spaces (and NULs) of string values beyond the one padding byte
     * dropped, in sequence items too: DCMTK peers that store what they receive (storescp, getscu, Orthanc) keep
     * string values without their padding and pad to even length again on writing ("OTHER  " of length 26 comes
     * back as "OTHER" of length 24). Trailing spaces are padding, not value, for every string VR (PS3.5 6.2).
     */
    public static DataSet normalizeLikeDcmtkStoring(DataSet ds) {
        normalizeLikeDcmtk(ds);
        trimStringPadding(ds);
        return ds;
    }

    private static void trimStringPadding(DataSet ds) {
        for (int i = 0; i < ds.size(); i++) {
            Object v = ds.valueAt(i);
            if (v instanceof Sequence seq) {
                seq.forEach(Instances::trimStringPadding);
            } else if (v instanceof byte[] b && ds.vrAt(i).isString()) {
                int n = b.length;
                while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == 0)) {
                    n--;
                }
                if (n != b.length) {
                    ds.setValue(ds.tagAt(i), ds.vrAt(i), Arrays.copyOf(b, n));
                }
            }
        }
    }

    /** {@link #assertSameInstance(Path, Path, boolean, UnaryOperator)} without normalising. */
    public static void assertSameInstance(Path sent, Path received, boolean sameSyntax) throws IOException {
        assertSameInstance(sent, received, sameSyntax, UnaryOperator.identity());
    }

    /**
     * Fails unless {@code received} is a Part 10 file whose meta information names its transfer syntax and the
     * same SOP instance and class as {@code sent}, in the same transfer syntax (when {@code sameSyntax}), with a
     * data set equal element by element to the sent one once both went through {@code normalize} (e.g.
     * {@link UnaryOperator#identity()}, {@link #normalizeLikeDcmtk}, {@link #normalizeLikeDcmtkStoring}).
     */
    public static void assertSameInstance(Path sent, Path received, boolean sameSyntax, UnaryOperator<DataSet> normalize)
            throws IOException {
        Instance a = read(sent);
        Instance b = read(received);
        if (b.fmi() == null) {
            throw new AssertionError(received + " has no File Meta Information");
        }
        check(b.transferSyntaxUID(), b.fmi().getString(Tag.TransferSyntaxUID),
                received + ": transfer syntax of the data set and of the meta information");
        check(a.sopInstanceUID(), b.fmi().getString(Tag.MediaStorageSOPInstanceUID),
                received + ": Media Storage SOP Instance UID");
        check(a.sopClassUID(), b.fmi().getString(Tag.MediaStorageSOPClassUID), received + ": Media Storage SOP Class UID");
        if (sameSyntax) {
            check(a.transferSyntaxUID(), b.transferSyntaxUID(), "transfer syntax of " + received + " (sent " + sent + ")");
        }
        DataSet x = normalize.apply(a.dataSet());
        DataSet y = normalize.apply(b.dataSet());
        if (!x.equals(y)) {
            throw new AssertionError("data set of " + received + " differs from " + sent + ":\n"
                    + String.join("\n", DataSetDiff.diff(x, y)));
        }
    }

    private static void check(String expected, String actual, String what) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError(what + " ==> expected: <" + expected + "> but was: <" + actual + ">");
        }
    }
}

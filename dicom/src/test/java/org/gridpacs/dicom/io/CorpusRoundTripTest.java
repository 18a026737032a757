package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * Every file of pydicom's test corpus that DCMTK's dcmdump reads is read and written back by the toolkit
 * with the same content (dcmdump listings compared line by line); every file DCMTK rejects is rejected by
 * the toolkit with a clear error.
 */
@ProcessTest
class CorpusRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void corpusRoundTripsOrIsRejectedLikeDcmtk() throws Exception {
        Dcmtk.require();
        List<Path> files = TestData.pydicomCorpus();
        assertTrue(files.size() > 100, "pydicom corpus has " + files.size() + " files");
        List<String> problems = new ArrayList<>();
        int roundTripped = 0;
        int rejected = 0;
        for (Path f : files) {
            boolean dcmtkReads = Dcmtk.run(60, "dcmdump", "-q", f.toString()).exitCode() == 0;
            DataSet fmi;
            DataSet ds;
            TransferSyntax ts;
            try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
                fmi = in.readFileMetaInformation();
                ts = in.transferSyntax();
                ds = in.readDataSet();
            } catch (IOException e) {
                if (dcmtkReads) {
                    problems.add(f.getFileName() + ": DCMTK reads it, we fail: " + e);
                } else {
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "error message for " + f);
                    rejected++;
                }
                continue;
            } catch (RuntimeException e) {
                problems.add(f.getFileName() + ": uncaught " + e);
                continue;
            }
            if (!dcmtkReads) {
                problems.add(f.getFileName() + ": DCMTK rejects it but we read it");
                continue;
            }
            Path out = tmp.resolve(f.getFileName().toString());
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out));
                 DicomOutputStream dos = new DicomOutputStream(os)) {
                if (fmi != null) {
                    if (!fmi.containsValue(org.gridpacs.dicom.data.Tag.TransferSyntaxUID)) {
                        fmi.setString(org.gridpacs.dicom.data.Tag.TransferSyntaxUID, org.gridpacs.dicom.data.VR.UI, ts.uid());
                    }
                    dos.writeFileMetaInformation(fmi);
                } else {
                    dos.setTransferSyntax(ts);
                }
                dos.writeDataSet(ds);
            }
            List<String> expected = Dcmtk.normalizedDump(f);
            List<String> actual = Dcmtk.normalizedDump(out);
            if (!sameContent(expected, actual)) {
                problems.add(f.getFileName() + ": content differs after writing back: " + firstDifference(expected, actual));
            } else {
                roundTripped++;
            }
        }
        System.out.printf("corpus: %d files, %d round-tripped, %d rejected like DCMTK, %d problems%n",
                files.size(), roundTripped, rejected, problems.size());
        if (!problems.isEmpty()) {
            fail(problems.size() + " corpus problems:\n" + String.join("\n", problems));
        }
        assertEquals(files.size(), roundTripped + rejected);
    }

    /** Equal, allowing the padding byte an encoder must add to a value of odd length (PS3.5 7.1.1). */
    private static boolean sameContent(List<String> expected, List<String> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            String a = actual.get(i);
            if (!e.equals(a) && !a.equals(e + "\\00")) {
                return false;
            }
        }
        return true;
    }

    private static String firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "line " + i + ": expected <" + a.get(i) + "> but was <" + b.get(i) + ">";
            }
        }
        return "expected " + a.size() + " lines but was " + b.size();
    }
}

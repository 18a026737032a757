package org.gridpacs.federation.deid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;

/**
 * What de-identification costs per instance (not a test: no timed assertions), on pydicom's CT_small.dcm (a
 * 128x128 CT, 39 KB, with GE private attributes), single thread, in memory, CPU time of the thread:
 * <ul>
 * <li>deid: {@link Deidentifier#deidentify(DataSet, DataSet, String)} on a parsed copy (the copy timed apart and
 * subtracted), each instance with its own SOP Instance UID (one HMAC per instance, the study's UIDs cached);</li>
 * <li>cold: the same with a new {@link Pseudonymizer} each time (every UID an HMAC: the first instance of a study);</li>
 * <li>file: parse the Part 10 bytes, de-identify, write Part 10 bytes (what an export does, minus the disk).</li>
 * </ul>
 * <pre>
 * mvn -q -o -pl federation -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp "federation/target/test-classes:federation/target/classes:$(cat federation/target/test-classpath.txt)" \
 *     org.gridpacs.federation.deid.DeidentifyBench 200000
 * </pre>
 */
public final class DeidentifyBench {
    private DeidentifyBench() {
    }

    /**
     * CPU time of this thread rather than elapsed time: the machine this was written on is shared (load average
     * 15 to 19 on 2 cores), where elapsed time measures the neighbours. Leaves out the garbage collector's threads.
     */
    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        byte[] file = Files.readAllBytes(Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm"));
        DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(file));
        dis.readFileMetaInformation();
        String ts = dis.transferSyntax().uid();
        DataSet parsed = dis.readDataSet();
        Pseudonymizer pseudonyms = Pseudonymizer.forDestination(DeidentifierTest.SECRET, "SITE_B");
        Deidentifier deid = new Deidentifier(DeidentificationOptions.BASIC, pseudonyms);
        for (int round = 0; round < 3; round++) { // the first round includes the JIT's work
            long t0 = cpu();
            long sink = 0;
            for (int i = 0; i < n; i++) {
                DataSet c = parsed.copy();
                c.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3." + round + "." + i);
                sink += c.size();
            }
            long copy = cpu() - t0;
            t0 = cpu();
            for (int i = 0; i < n; i++) {
                DataSet c = parsed.copy();
                c.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3." + round + "." + i);
                sink += deid.deidentify(null, c, ts).sopInstanceUID().length();
            }
            long warm = cpu() - t0 - copy;
            int m = n / 10;
            t0 = cpu();
            for (int i = 0; i < m; i++) {
                DataSet c = parsed.copy();
                Deidentifier fresh = new Deidentifier(DeidentificationOptions.BASIC,
                        Pseudonymizer.forDestination(DeidentifierTest.SECRET, "SITE_B"));
                sink += fresh.deidentify(null, c, ts).sopInstanceUID().length();
            }
            long cold = cpu() - t0 - copy / 10;
            t0 = cpu();
            ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 1024);
            for (int i = 0; i < m; i++) {
                out.reset();
                deid.deidentify(new ByteArrayInputStream(file), out);
                sink += out.size();
            }
            long whole = cpu() - t0;
            System.out.printf("round %d: deid %.2f us/instance, cold %.2f us/instance, file in+deid+out %.2f us/instance"
                    + " (copy alone %.2f us) [%d]%n", round, warm / 1e3 / n, cold / 1e3 / m, whole / 1e3 / m,
                    copy / 1e3 / n, sink % 10);
        }
    }
}

package org.gridpacs.dose.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.Test;

/** A 512 x 512 x 300 CT series read and turned into a phantom in a JVM limited to a 512 MB heap. */
@ProcessTest
class CtSeriesMemoryTest {

    @Test
    void largeSeriesFitsA512MegabyteHeap() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Dcmtk.Result r = Dcmtk.run(300, java, "-Xmx512m", "-cp", classpath, CtMemoryCheck.class.getName(), "512",
                "512", "300");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("built 512x512x300"), r.output());
    }
}

package org.gridpacs.dicom.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.interop.Interop.Instance;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/** Our SCU against DCMTK storescp: C-ECHO, and C-STORE of real files in their own transfer syntaxes. */
@Timeout(60)
@ProcessTest
class StorescpInteropTest {
    /** One file per transfer syntax worth checking, each with a SOP Instance UID of its own. */
    static final String[] FILES = {
        "CT_small.dcm",              // explicit VR little endian
        "rtplan.dcm",                // implicit VR little endian, sequences
        "ExplVR_BigEnd.dcm",         // explicit VR big endian
        "image_dfl.dcm",             // deflated explicit VR little endian
        "SC_rgb_jpeg_dcmtk.dcm",     // JPEG baseline
        "JPEG-lossy.dcm",            // JPEG extended (12 bit)
        "SC_rgb_jpeg_gdcm.dcm",      // JPEG lossless, first-order prediction
        "MR_small_RLE.dcm",          // RLE lossless
    };

    @TempDir
    Path tmp;

    @Test
    void echoAndStoreKeepContentAndTransferSyntax() throws Exception {
        Dcmtk.require();
        List<Instance> instances = Interop.read(FILES);
        assertEquals(8, instances.stream().map(Instance::sopInstanceUID).distinct().count(), "distinct instances");
        assertEquals(List.of(UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian, UID.ExplicitVRBigEndian,
                        UID.DeflatedExplicitVRLittleEndian, UID.JPEGBaseline8Bit, UID.JPEGExtended12Bit,
                        UID.JPEGLosslessSV1, UID.RLELossless),
                instances.stream().map(Instance::transferSyntaxUID).toList(), "the files cover these syntaxes");

        try (Peers.Peer storescp = Peers.storescp(tmp.resolve("storescp"), "STORESCP")) {
            try (Association as = new Connector(Interop.SETTINGS).connect(Peers.HOST, storescp.port(),
                    Interop.storeRQ("GRIDSCU", "STORESCP", instances), null)) {
                for (Instance i : instances) {
                    assertEquals(i.transferSyntaxUID(), as.transferSyntax(
                            as.presentationContextFor(i.sopClassUID(), i.transferSyntaxUID())),
                            i.name() + ": storescp +xa accepts the file's own syntax");
                }
                assertEquals(Status.SUCCESS, as.echo().status(), "C-ECHO");
                for (Instance i : instances) {
                    DimseResponse rsp = i.storeOn(as);
                    assertEquals(Status.SUCCESS, rsp.status(), i.name() + ": " + rsp.describe() + "\n" + storescp.logTail());
                    assertEquals(i.sopInstanceUID(), rsp.command().getString(
                            org.gridpacs.dicom.data.Tag.AffectedSOPInstanceUID), "response names the instance");
                }
                assertEquals(Status.SUCCESS, as.echo().status(), "C-ECHO after the stores");
            }
            Map<String, Instance> received = Interop.readFolder(storescp.files());
            assertEquals(instances.size(), received.size(), "files written by storescp: " + received.keySet());
            Interop.assertReceived(instances, received, true);
        }
    }
}

package org.gridpacs.gateway.cli;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;

/**
 * The storage presentation contexts a C-GET proposes. The instances come back as C-STORE requests on the same
 * association, so every SOP class we want must be proposed, with the SCP role (PS3.4 C.4.3.1) - but there are 195
 * storage SOP classes and room for 127 contexts besides the query one.
 *
 * <p>So: the SOP classes seen in practice, each with one context listing the uncompressed and less common
 * compressed syntaxes; and for the most common image classes, one more context per frequent compressed syntax,
 * because an acceptor picks a single syntax per context and a C-GET SCP usually cannot decompress. Without that,
 * a JPEG-compressed CT would fail to come back.
 */
final class GetContexts {

    /** Storage SOP classes by keyword (checked against the dictionary by GetContextsTest). */
    static final List<String> CLASSES = List.of(
            "CTImageStorage", "EnhancedCTImageStorage", "LegacyConvertedEnhancedCTImageStorage",
            "MRImageStorage", "EnhancedMRImageStorage", "EnhancedMRColorImageStorage", "MRSpectroscopyStorage",
            "ComputedRadiographyImageStorage",
            "DigitalXRayImageStorageForPresentation", "DigitalXRayImageStorageForProcessing",
            "DigitalMammographyXRayImageStorageForPresentation", "DigitalMammographyXRayImageStorageForProcessing",
            "DigitalIntraOralXRayImageStorageForPresentation", "BreastTomosynthesisImageStorage",
            "UltrasoundImageStorage", "UltrasoundMultiFrameImageStorage", "EnhancedUSVolumeStorage",
            "SecondaryCaptureImageStorage", "MultiFrameSingleBitSecondaryCaptureImageStorage",
            "MultiFrameGrayscaleByteSecondaryCaptureImageStorage", "MultiFrameGrayscaleWordSecondaryCaptureImageStorage",
            "MultiFrameTrueColorSecondaryCaptureImageStorage",
            "NuclearMedicineImageStorage", "PositronEmissionTomographyImageStorage", "EnhancedPETImageStorage",
            "XRayAngiographicImageStorage", "EnhancedXAImageStorage", "XRayRadiofluoroscopicImageStorage",
            "EnhancedXRFImageStorage", "XRay3DAngiographicImageStorage",
            "RTImageStorage", "RTDoseStorage", "RTStructureSetStorage", "RTPlanStorage", "RTIonPlanStorage",
            "RTBeamsTreatmentRecordStorage", "RTTreatmentSummaryRecordStorage",
            "VLPhotographicImageStorage", "VLEndoscopicImageStorage", "VideoEndoscopicImageStorage",
            "VLMicroscopicImageStorage", "VLWholeSlideMicroscopyImageStorage",
            "OphthalmicPhotography8BitImageStorage", "OphthalmicTomographyImageStorage",
            "EncapsulatedPDFStorage", "EncapsulatedCDAStorage", "KeyObjectSelectionDocumentStorage",
            "BasicTextSRStorage", "EnhancedSRStorage", "ComprehensiveSRStorage", "Comprehensive3DSRStorage",
            "XRayRadiationDoseSRStorage", "MammographyCADSRStorage",
            "GrayscaleSoftcopyPresentationStateStorage", "ColorSoftcopyPresentationStateStorage",
            "SegmentationStorage", "SpatialRegistrationStorage", "RawDataStorage",
            "TwelveLeadECGWaveformStorage", "GeneralECGWaveformStorage");

    /** The image classes that also get one context per frequent compressed syntax. */
    static final List<String> COMPRESSED_CLASSES = List.of(
            "CTImageStorage", "MRImageStorage", "ComputedRadiographyImageStorage",
            "DigitalXRayImageStorageForPresentation", "DigitalMammographyXRayImageStorageForPresentation",
            "UltrasoundImageStorage", "UltrasoundMultiFrameImageStorage", "SecondaryCaptureImageStorage",
            "XRayAngiographicImageStorage", "NuclearMedicineImageStorage", "PositronEmissionTomographyImageStorage");

    static final List<String> FREQUENT_COMPRESSED = List.of(
            UID.JPEGLosslessSV1, UID.JPEGBaseline8Bit, UID.JPEG2000Lossless, UID.JPEG2000, UID.JPEGLSLossless);

    /** Offered in the one context every class has: uncompressed first, then what FREQUENT_COMPRESSED lacks. */
    static final List<String> GENERAL = List.of(
            UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian, UID.RLELossless, UID.JPEGExtended12Bit,
            UID.JPEGLossless, UID.JPEGLSNearLossless, UID.DeflatedExplicitVRLittleEndian, UID.ExplicitVRBigEndian);

    private GetContexts() {
    }

    /** Adds the storage contexts (with SCP role selection) after those already in {@code rq}. */
    static void addTo(AAssociateRQ rq) {
        List<PresentationContext.RQ> contexts = new ArrayList<>();
        int id = 2 * rq.presentationContexts().size() + 1;
        for (String keyword : CLASSES) {
            contexts.add(new PresentationContext.RQ(id, uid(keyword), GENERAL));
            id += 2;
        }
        for (String keyword : COMPRESSED_CLASSES) {
            for (String ts : FREQUENT_COMPRESSED) {
                contexts.add(new PresentationContext.RQ(id, uid(keyword), ts));
                id += 2;
            }
        }
        if (id > 257) {
            throw new IllegalStateException("too many presentation contexts: " + (id - 1) / 2);
        }
        for (PresentationContext.RQ pc : contexts) {
            rq.addPresentationContext(pc);
        }
        for (String keyword : CLASSES) {
            // we take the SCP role of storage, not the SCU role: the peer sends, we store
            rq.userInformation().addRoleSelection(new RoleSelection(uid(keyword), false, true));
        }
    }

    static String uid(String keyword) {
        String uid = UIDs.forKeyword(keyword);
        if (uid == null) {
            throw new IllegalStateException("not a UID keyword: " + keyword);
        }
        return uid;
    }
}

package org.gridpacs.federation.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The messages as XML: checked with a plain DOM against PS3.15 A.5.1's structure (element names, required
 * attributes, the codes of A.5.3 and PS3.16 CID 400-404), and read back equal.
 */
class AuditXmlTest {
    private static final Instant AT = Instant.parse("2026-12-07T14:00:00.123Z");
    private final AuditMessages messages = Samples.messages(AT);

    @Test
    void queryHasTheStructureOfA5310() throws Exception {
        byte[] identifier = {0x10, 0x00, 0x20, 0x00, 'P', 'I', 'D', '1'};
        AuditMessage m = messages.query(Samples.SITE_A, Samples.SITE_B, Samples.STUDY_ROOT_FIND, identifier,
                "1.2.840.10008.1.2.1", Outcome.SUCCESS, null);
        Element root = parse(m);
        Element ev = only(root, "EventIdentification");
        assertEquals("E", ev.getAttribute("EventActionCode"));
        assertEquals("2026-12-07T14:00:00.123Z", ev.getAttribute("EventDateTime"));
        assertEquals("0", ev.getAttribute("EventOutcomeIndicator"));
        assertCode(only(ev, "EventID"), "110112", "DCM", "Query");

        List<Element> aps = children(root, "ActiveParticipant");
        assertEquals(2, aps.size());
        assertEquals("FEDERATION", aps.get(0).getAttribute("UserID"));
        assertEquals("true", aps.get(0).getAttribute("UserIsRequestor"));
        assertEquals("127.0.0.1", aps.get(0).getAttribute("NetworkAccessPointID"));
        assertEquals("2", aps.get(0).getAttribute("NetworkAccessPointTypeCode"));
        assertCode(only(aps.get(0), "RoleIDCode"), "110153", "DCM", "Source Role ID");
        assertEquals("PACS_B", aps.get(1).getAttribute("UserID"));
        assertEquals("1", aps.get(1).getAttribute("NetworkAccessPointTypeCode"));
        assertCode(only(aps.get(1), "RoleIDCode"), "110152", "DCM", "Destination Role ID");

        Element src = only(root, "AuditSourceIdentification");
        assertEquals("FEDERATION@node1", src.getAttribute("AuditSourceID"));
        assertEquals("site-a", src.getAttribute("AuditEnterpriseSiteID"));

        Element po = only(root, "ParticipantObjectIdentification");
        assertEquals(Samples.STUDY_ROOT_FIND, po.getAttribute("ParticipantObjectID"));
        assertEquals("2", po.getAttribute("ParticipantObjectTypeCode"));
        assertEquals("24", po.getAttribute("ParticipantObjectTypeCodeRole"));
        assertCode(only(po, "ParticipantObjectIDTypeCode"), "110181", "DCM", "SOP Class UID");
        assertArrayEquals(identifier, Base64.getDecoder().decode(only(po, "ParticipantObjectQuery").getTextContent()));
        Element ts = only(po, "ParticipantObjectDetail");
        assertEquals("TransferSyntax", ts.getAttribute("type"));
        assertEquals("1.2.840.10008.1.2.1", decode(ts.getAttribute("value")));

        assertRoundTrip(m);
    }

    @Test
    void markupInAReasonIsEscapedAndReadBackAsWritten() throws Exception {
        String reason = "site SITE-B <FED-B> answered 0xA700 & \"Out of Resources\"; 'retry' later";
        AuditMessage m = messages.query(Samples.SITE_A, Samples.SITE_B, Samples.STUDY_ROOT_FIND, new byte[] {1, 2},
                "1.2.840.10008.1.2.1", Outcome.SERIOUS_FAILURE, reason);
        Element ev = only(parse(m), "EventIdentification");
        assertEquals(reason, only(ev, "EventOutcomeDescription").getTextContent());
        assertEquals(reason, AuditXml.read(AuditXml.write(m)).outcomeDescription());
        assertRoundTrip(m);
    }

    @Test
    void transferNamesStudySopClassesCountsAndPatient() throws Exception {
        TransferAccumulator acc = messages.transfer(Samples.SITE_B, Samples.SITE_A, 'R');
        for (int i = 0; i < 3; i++) {
            acc.add("PID-7", "DOE^JANE", "1.2.3.4", "ACC9", Samples.CT);
        }
        acc.add("PID-7", "DOE^JANE", "1.2.3.4", "ACC9", Samples.RT_PLAN);
        AuditMessage m = acc.finish(null).get(0);
        Element root = parse(m);
        Element ev = only(root, "EventIdentification");
        assertEquals("R", ev.getAttribute("EventActionCode"));
        assertCode(only(ev, "EventID"), "110104", "DCM", "DICOM Instances Transferred");
        List<Element> aps = children(root, "ActiveParticipant");
        assertEquals("PACS_B", aps.get(0).getAttribute("UserID"));
        assertCode(only(aps.get(0), "RoleIDCode"), "110153", "DCM", "Source Role ID");
        assertEquals("FEDERATION", aps.get(1).getAttribute("UserID"));
        assertCode(only(aps.get(1), "RoleIDCode"), "110152", "DCM", "Destination Role ID");

        List<Element> pos = children(root, "ParticipantObjectIdentification");
        assertEquals(2, pos.size());
        Element study = pos.get(0);
        assertEquals("1.2.3.4", study.getAttribute("ParticipantObjectID"));
        assertEquals("2", study.getAttribute("ParticipantObjectTypeCode"));
        assertEquals("3", study.getAttribute("ParticipantObjectTypeCodeRole"));
        assertCode(only(study, "ParticipantObjectIDTypeCode"), "110180", "DCM", "Study Instance UID");
        assertEquals("ACC9", only(study, "Accession").getAttribute("Number"));
        List<Element> classes = children(study, "SOPClass");
        assertEquals(Samples.CT, classes.get(0).getAttribute("UID"));
        assertEquals("3", classes.get(0).getAttribute("NumberOfInstances"));
        assertEquals(Samples.RT_PLAN, classes.get(1).getAttribute("UID"));
        assertEquals("1", classes.get(1).getAttribute("NumberOfInstances"));
        assertEquals("false", only(study, "Anonymized").getTextContent());
        Element patient = pos.get(1);
        assertEquals("PID-7", patient.getAttribute("ParticipantObjectID"));
        assertEquals("1", patient.getAttribute("ParticipantObjectTypeCode"));
        assertEquals("1", patient.getAttribute("ParticipantObjectTypeCodeRole"));
        assertCode(only(patient, "ParticipantObjectIDTypeCode"), "2", "RFC-3881", "Patient Number");
        assertEquals("DOE^JANE", only(patient, "ParticipantObjectName").getTextContent());

        assertRoundTrip(m);
    }

    @Test
    void refusedAssociationIsASecurityAlertWithItsReason() throws Exception {
        ActiveParticipant peer = new ActiveParticipant("EVIL", null, "10.0.0.9", true, AuditCode.SOURCE);
        ActiveParticipant us = new ActiveParticipant("FEDERATION", "site-a", "127.0.0.1", false, AuditCode.APPLICATION);
        AuditMessage m = messages.securityAlert(AuditCode.NODE_AUTHENTICATION, us, peer, "CN=EVIL,O=Nowhere",
                "certificate signed by an unknown CA");
        Element root = parse(m);
        Element ev = only(root, "EventIdentification");
        assertEquals("E", ev.getAttribute("EventActionCode"));
        assertEquals("4", ev.getAttribute("EventOutcomeIndicator"));
        assertCode(only(ev, "EventID"), "110113", "DCM", "Security Alert");
        assertCode(only(ev, "EventTypeCode"), "110126", "DCM", "Node Authentication");
        assertEquals("certificate signed by an unknown CA", only(ev, "EventOutcomeDescription").getTextContent());
        List<Element> aps = children(root, "ActiveParticipant");
        assertCode(only(aps.get(0), "RoleIDCode"), "110150", "DCM", "Application");
        assertEquals("false", aps.get(0).getAttribute("UserIsRequestor"));
        assertEquals("EVIL", aps.get(1).getAttribute("UserID"));
        assertEquals("true", aps.get(1).getAttribute("UserIsRequestor"));
        Element po = only(root, "ParticipantObjectIdentification");
        assertEquals("CN=EVIL,O=Nowhere", po.getAttribute("ParticipantObjectID"));
        assertCode(only(po, "ParticipantObjectIDTypeCode"), "110182", "DCM", "Node ID");
        assertEquals("certificate signed by an unknown CA", decode(only(po, "ParticipantObjectDetail")
                .getAttribute("value")));
        assertRoundTrip(m);
    }

    @Test
    void deidentifiedExportSaysAnonymizedAndTheNewStudy() throws Exception {
        TransferAccumulator acc = messages.export(Samples.SITE_A, Samples.SITE_B);
        acc.add("PID-7", "DOE^JANE", "1.2.3.4", null, Samples.CT);
        acc.deidentified("1.2.3.4", "2.25.999", "Basic Application Confidentiality Profile");
        AuditMessage m = acc.finish(null).get(0);
        Element root = parse(m);
        assertCode(only(only(root, "EventIdentification"), "EventID"), "110106", "DCM", "Export");
        assertEquals("R", only(root, "EventIdentification").getAttribute("EventActionCode"));
        Element study = children(root, "ParticipantObjectIdentification").get(0);
        assertEquals("true", only(study, "Anonymized").getTextContent());
        List<String> details = new ArrayList<>();
        for (Element d : children(study, "ParticipantObjectDetail")) {
            details.add(d.getAttribute("type") + "=" + decode(d.getAttribute("value")));
        }
        assertEquals(List.of("DeidentifiedStudyInstanceUID=2.25.999",
                "DeidentificationMethod=Basic Application Confidentiality Profile"), details);
        AuditMessage back = assertRoundTrip(m);
        assertTrue(back.deidentified());
    }

    @Test
    void textThatLooksLikeXmlStaysText() throws Exception {
        ActiveParticipant peer = new ActiveParticipant("A<&>\"'", null, null, true, AuditCode.SOURCE);
        AuditMessage m = messages.securityAlert(AuditCode.NODE_AUTHENTICATION, Samples.SITE_A, peer, "x",
                "</EventIdentification><evil/>");
        AuditMessage back = assertRoundTrip(m);
        assertEquals("A<&>\"'", back.participants().get(1).aeTitle());
        assertNull(back.participants().get(1).host());
    }

    @Test
    void readRefusesWhatIsNotAnAuditMessageNamingTheProblem() {
        IOException e = assertThrows(IOException.class, () -> AuditXml.read(
                "<AuditMessage><ActiveParticipant UserID='x' UserIsRequestor='true'/></AuditMessage>"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("EventIdentification"), e.getMessage());
        e = assertThrows(IOException.class, () -> AuditXml.read("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                .concat("<AuditMessage>&e;</AuditMessage>").getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not well-formed") || e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    private static AuditMessage assertRoundTrip(AuditMessage m) throws IOException {
        AuditMessage back = AuditXml.read(AuditXml.write(m));
        assertEquals(m, back);
        return back;
    }

    private static Element parse(AuditMessage m) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(AuditXml.write(m)));
        Element root = d.getDocumentElement();
        assertEquals("AuditMessage", root.getTagName());
        assertNull(root.getNamespaceURI());
        // A.5.1: EventIdentification, ActiveParticipant+, AuditSourceIdentification, ParticipantObjectIdentification*
        List<String> order = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (order.isEmpty() || !order.get(order.size() - 1).equals(e.getTagName()))) {
                order.add(e.getTagName());
            }
        }
        assertEquals("EventIdentification", order.get(0));
        assertEquals("ActiveParticipant", order.get(1));
        assertEquals("AuditSourceIdentification", order.get(2));
        assertTrue(order.size() == 3 || order.size() == 4 && order.get(3).equals("ParticipantObjectIdentification"),
                order.toString());
        Element ev = only(root, "EventIdentification");
        assertTrue(ev.hasAttribute("EventDateTime") && ev.hasAttribute("EventOutcomeIndicator"));
        return root;
    }

    private static void assertCode(Element e, String code, String system, String meaning) {
        assertEquals(code, e.getAttribute("csd-code"), e.getTagName());
        assertEquals(system, e.getAttribute("codeSystemName"), e.getTagName());
        assertEquals(meaning, e.getAttribute("originalText"), e.getTagName());
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    static Element only(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertEquals(1, found.size(), parent.getTagName() + "/" + name);
        return found.get(0);
    }
}

package org.gridpacs.federation.audit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Writes and reads audit messages as the XML of PS3.15 A.5.1 (no namespace, element and attribute names of the
 * schema, in its order), with the JDK's DOM: what a syslog collector or an ATNA audit repository receives, and
 * what the local log holds.
 */
public final class AuditXml {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    /**
     * Per thread, because neither is thread-safe: looking up the JDK's XML factories and building a transformer
     * cost about a millisecond of CPU per message, more than writing it (every federated C-FIND writes three).
     */
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(AuditXml::newBuilder);
    private static final ThreadLocal<Transformer> SERIALIZER = ThreadLocal.withInitial(AuditXml::newSerializer);

    private AuditXml() {
    }

    /** The message as UTF-8 XML (one document, no indentation). */
    public static byte[] write(AuditMessage m) {
        Document doc = builder().newDocument();
        doc.setXmlStandalone(true);
        Element root = doc.createElement("AuditMessage");
        doc.appendChild(root);

        Element ev = child(root, "EventIdentification");
        ev.setAttribute("EventActionCode", String.valueOf(m.actionCode()));
        // xs:dateTime with an offset; UTC with milliseconds so records sort and compare as written
        ev.setAttribute("EventDateTime", DATE_TIME.format(m.time().atOffset(ZoneOffset.UTC)));
        ev.setAttribute("EventOutcomeIndicator", String.valueOf(m.outcome().code()));
        code(child(ev, "EventID"), m.event().eventId());
        for (AuditCode t : m.eventTypes()) {
            code(child(ev, "EventTypeCode"), t);
        }
        if (m.outcomeDescription() != null) {
            child(ev, "EventOutcomeDescription").setTextContent(m.outcomeDescription());
        }

        for (ActiveParticipant p : m.participants()) {
            Element ap = child(root, "ActiveParticipant");
            ap.setAttribute("UserID", p.aeTitle());
            if (p.site() != null) {
                ap.setAttribute("UserName", p.site());
            }
            ap.setAttribute("UserIsRequestor", String.valueOf(p.requestor()));
            if (p.host() != null) {
                ap.setAttribute("NetworkAccessPointID", p.host());
                ap.setAttribute("NetworkAccessPointTypeCode", String.valueOf(p.networkAccessPointTypeCode()));
            }
            code(child(ap, "RoleIDCode"), p.role());
        }

        Element src = child(root, "AuditSourceIdentification");
        if (m.source().enterpriseSiteId() != null) {
            src.setAttribute("AuditEnterpriseSiteID", m.source().enterpriseSiteId());
        }
        src.setAttribute("AuditSourceID", m.source().sourceId());
        code(child(src, "AuditSourceTypeCode"), AuditCode.APPLICATION_SERVER);

        for (ParticipantObject o : m.objects()) {
            Element po = child(root, "ParticipantObjectIdentification");
            po.setAttribute("ParticipantObjectID", o.id());
            po.setAttribute("ParticipantObjectTypeCode", String.valueOf(o.typeCode()));
            po.setAttribute("ParticipantObjectTypeCodeRole", String.valueOf(o.typeCodeRole()));
            code(child(po, "ParticipantObjectIDTypeCode"), o.idType());
            if (o.name() != null) {
                child(po, "ParticipantObjectName").setTextContent(o.name());
            } else if (o.query() != null) {
                child(po, "ParticipantObjectQuery").setTextContent(Base64.getEncoder().encodeToString(o.query()));
            }
            for (ParticipantObject.Detail d : o.details()) {
                Element de = child(po, "ParticipantObjectDetail");
                de.setAttribute("type", d.type());
                de.setAttribute("value", Base64.getEncoder().encodeToString(d.value().getBytes(StandardCharsets.UTF_8)));
            }
            for (String a : o.accessions()) {
                child(po, "Accession").setAttribute("Number", a);
            }
            for (ParticipantObject.SopClassCount c : o.sopClasses()) {
                Element sc = child(po, "SOPClass");
                sc.setAttribute("UID", c.uid());
                sc.setAttribute("NumberOfInstances", String.valueOf(c.instances()));
            }
            if (o.anonymized() != null) {
                child(po, "Anonymized").setTextContent(String.valueOf(o.anonymized()));
            }
        }
        Transformer t = SERIALIZER.get();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            SERIALIZER.remove(); // its state after a failure is unknown
            throw new IllegalStateException("cannot write an audit message: " + e.getMessage(), e);
        }
    }

    private static Transformer newSerializer() {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            return t;
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This thread's builder, for the documents we write. */
    private static DocumentBuilder builder() {
        return BUILDER.get();
    }

    /** Reads a message back; IOException naming what is missing or wrong when it is not one of ours. */
    public static AuditMessage read(byte[] xml) throws IOException {
        Document doc;
        try {
            doc = newBuilder().parse(new ByteArrayInputStream(xml)); // reading is rare: a fresh one
        } catch (SAXException e) {
            throw new IOException("not well-formed XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"AuditMessage".equals(root.getTagName())) {
            throw new IOException("not an audit message: root element " + root.getTagName());
        }
        try {
            Element ev = only(root, "EventIdentification");
            String action = required(ev, "EventActionCode");
            AuditEvent event = AuditEvent.ofCode(code(only(ev, "EventID")).code());
            Instant time = OffsetDateTime.parse(required(ev, "EventDateTime"), DATE_TIME).toInstant();
            Outcome outcome = Outcome.ofCode(Integer.parseInt(required(ev, "EventOutcomeIndicator")));
            List<AuditCode> types = new ArrayList<>();
            for (Element t : children(ev, "EventTypeCode")) {
                types.add(code(t));
            }
            List<Element> desc = children(ev, "EventOutcomeDescription");
            String description = desc.isEmpty() ? null : desc.get(0).getTextContent();

            List<ActiveParticipant> participants = new ArrayList<>();
            for (Element ap : children(root, "ActiveParticipant")) {
                participants.add(new ActiveParticipant(required(ap, "UserID"), optional(ap, "UserName"),
                        optional(ap, "NetworkAccessPointID"),
                        Boolean.parseBoolean(required(ap, "UserIsRequestor")), code(only(ap, "RoleIDCode"))));
            }
            Element src = only(root, "AuditSourceIdentification");
            AuditMessage.AuditSource source = new AuditMessage.AuditSource(optional(src, "AuditEnterpriseSiteID"),
                    required(src, "AuditSourceID"));

            List<ParticipantObject> objects = new ArrayList<>();
            for (Element po : children(root, "ParticipantObjectIdentification")) {
                List<Element> names = children(po, "ParticipantObjectName");
                List<Element> queries = children(po, "ParticipantObjectQuery");
                List<ParticipantObject.Detail> details = new ArrayList<>();
                for (Element d : children(po, "ParticipantObjectDetail")) {
                    details.add(new ParticipantObject.Detail(required(d, "type"), new String(
                            Base64.getDecoder().decode(required(d, "value")), StandardCharsets.UTF_8)));
                }
                List<ParticipantObject.SopClassCount> classes = new ArrayList<>();
                for (Element sc : children(po, "SOPClass")) {
                    classes.add(new ParticipantObject.SopClassCount(optional(sc, "UID"),
                            Integer.parseInt(required(sc, "NumberOfInstances"))));
                }
                List<String> accessions = new ArrayList<>();
                for (Element a : children(po, "Accession")) {
                    accessions.add(required(a, "Number"));
                }
                List<Element> anon = children(po, "Anonymized");
                objects.add(new ParticipantObject(required(po, "ParticipantObjectID"),
                        Integer.parseInt(required(po, "ParticipantObjectTypeCode")),
                        Integer.parseInt(required(po, "ParticipantObjectTypeCodeRole")),
                        code(only(po, "ParticipantObjectIDTypeCode")),
                        names.isEmpty() ? null : names.get(0).getTextContent(),
                        queries.isEmpty() ? null : Base64.getDecoder().decode(queries.get(0).getTextContent().trim()),
                        details, classes, accessions,
                        anon.isEmpty() ? null : Boolean.valueOf(anon.get(0).getTextContent().trim())));
            }
            if (action.length() != 1) {
                throw new IOException("EventActionCode must be one letter, not '" + action + "'");
            }
            return new AuditMessage(event, action.charAt(0), time, outcome, description, types, participants,
                    source, objects);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IOException("bad audit message: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // our own records, but never resolve anything external from a log file
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            // errors become the exception we report, not lines on stderr
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Element child(Element parent, String name) {
        Element e = parent.getOwnerDocument().createElement(name);
        parent.appendChild(e);
        return e;
    }

    private static void code(Element e, AuditCode c) {
        e.setAttribute("csd-code", c.code());
        e.setAttribute("codeSystemName", c.codeSystemName());
        e.setAttribute("originalText", c.originalText());
    }

    private static AuditCode code(Element e) throws IOException {
        return new AuditCode(required(e, "csd-code"), required(e, "codeSystemName"), required(e, "originalText"));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element only(Element parent, String name) throws IOException {
        List<Element> found = children(parent, name);
        if (found.size() != 1) {
            throw new IOException(parent.getTagName() + " must have one " + name + ", it has " + found.size());
        }
        return found.get(0);
    }

    private static String required(Element e, String attribute) throws IOException {
        if (!e.hasAttribute(attribute)) {
            throw new IOException(e.getTagName() + " lacks its " + attribute + " attribute");
        }
        return e.getAttribute(attribute);
    }

    private static String optional(Element e, String attribute) {
        return e.hasAttribute(attribute) ? e.getAttribute(attribute) : null;
    }
}

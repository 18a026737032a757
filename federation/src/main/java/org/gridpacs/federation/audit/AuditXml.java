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
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Writes and reads audit messages as the XML of PS3.15 A.5.1 (no namespace, element and attribute names of the
 * schema, in its order): what a syslog collector or an ATNA audit repository receives, and
 * what the local log holds. Written with StAX, read with the JDK's DOM.
 */
public final class AuditXml {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    /** Thread-safe once configured; a writer per message costs microseconds (the DOM and a transformer cost ~1 ms). */
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newInstance();

    private AuditXml() {
    }

    /** The message as UTF-8 XML (one document, no indentation). */
    public static byte[] write(AuditMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            XMLStreamWriter x = OUTPUT.createXMLStreamWriter(out, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("AuditMessage");
            writeEvent(x, m);
            for (ActiveParticipant p : m.participants()) {
                x.writeStartElement("ActiveParticipant");
                x.writeAttribute("UserID", p.aeTitle());
                optional(x, "UserName", p.site());
                x.writeAttribute("UserIsRequestor", String.valueOf(p.requestor()));
                if (p.host() != null) {
                    x.writeAttribute("NetworkAccessPointID", p.host());
                    x.writeAttribute("NetworkAccessPointTypeCode", String.valueOf(p.networkAccessPointTypeCode()));
                }
                code(x, "RoleIDCode", p.role());
                x.writeEndElement();
            }
            x.writeStartElement("AuditSourceIdentification");
            optional(x, "AuditEnterpriseSiteID", m.source().enterpriseSiteId());
            x.writeAttribute("AuditSourceID", m.source().sourceId());
            code(x, "AuditSourceTypeCode", AuditCode.APPLICATION_SERVER);
            x.writeEndElement();
            for (ParticipantObject o : m.objects()) {
                writeObject(x, o);
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write an audit message: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void writeEvent(XMLStreamWriter x, AuditMessage m) throws XMLStreamException {
        x.writeStartElement("EventIdentification");
        x.writeAttribute("EventActionCode", String.valueOf(m.actionCode()));
        // xs:dateTime with an offset; UTC with milliseconds so records sort and compare as written
        x.writeAttribute("EventDateTime", DATE_TIME.format(m.time().atOffset(ZoneOffset.UTC)));
        x.writeAttribute("EventOutcomeIndicator", String.valueOf(m.outcome().code()));
        code(x, "EventID", m.event().eventId());
        for (AuditCode t : m.eventTypes()) {
            code(x, "EventTypeCode", t);
        }
        if (m.outcomeDescription() != null) {
            text(x, "EventOutcomeDescription", m.outcomeDescription());
        }
        x.writeEndElement();
    }

    private static void writeObject(XMLStreamWriter x, ParticipantObject o) throws XMLStreamException {
        x.writeStartElement("ParticipantObjectIdentification");
        x.writeAttribute("ParticipantObjectID", o.id());
        x.writeAttribute("ParticipantObjectTypeCode", String.valueOf(o.typeCode()));
        x.writeAttribute("ParticipantObjectTypeCodeRole", String.valueOf(o.typeCodeRole()));
        code(x, "ParticipantObjectIDTypeCode", o.idType());
        if (o.name() != null) {
            text(x, "ParticipantObjectName", o.name());
        } else if (o.query() != null) {
            text(x, "ParticipantObjectQuery", Base64.getEncoder().encodeToString(o.query()));
        }
        for (ParticipantObject.Detail d : o.details()) {
            x.writeEmptyElement("ParticipantObjectDetail");
            x.writeAttribute("type", d.type());
            x.writeAttribute("value", Base64.getEncoder().encodeToString(d.value().getBytes(StandardCharsets.UTF_8)));
        }
        for (String a : o.accessions()) {
            x.writeEmptyElement("Accession");
            x.writeAttribute("Number", a);
        }
        for (ParticipantObject.SopClassCount c : o.sopClasses()) {
            x.writeEmptyElement("SOPClass");
            optional(x, "UID", c.uid());
            x.writeAttribute("NumberOfInstances", String.valueOf(c.instances()));
        }
        if (o.anonymized() != null) {
            text(x, "Anonymized", String.valueOf(o.anonymized()));
        }
        x.writeEndElement();
    }

    private static void code(XMLStreamWriter x, String element, AuditCode c) throws XMLStreamException {
        x.writeEmptyElement(element);
        x.writeAttribute("csd-code", c.code());
        x.writeAttribute("codeSystemName", c.codeSystemName());
        x.writeAttribute("originalText", c.originalText());
    }

    private static void text(XMLStreamWriter x, String element, String text) throws XMLStreamException {
        x.writeStartElement(element);
        x.writeCharacters(text);
        x.writeEndElement();
    }

    private static void optional(XMLStreamWriter x, String attribute, String value) throws XMLStreamException {
        if (value != null) {
            x.writeAttribute(attribute, value);
        }
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

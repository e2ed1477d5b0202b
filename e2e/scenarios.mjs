// The demo services as a citizen fills them in: one list of [label, value]
// per step. Radios and checkboxes take `true`; files take {name, mimeType, buffer}.
// ['@slot'] books with the appointment picker (see pickSlot in actions.mjs).

// A 1×1 JPEG: real image bytes, so the server's content sniffing accepts it.
export const jpeg = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/' +
  '2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAABAAEDASIAAhEBAxEB/8QA' +
  'FQABAQAAAAAAAAAAAAAAAAAAAAn/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAM' +
  'AwEAAhEDEQA/AKpgB//Z', 'base64');

const persona = [
  ['Nome', 'Maria'],
  ['Cognome', 'Rossi'],
  ['Codice fiscale', 'rssmra85t10a562s'],
  ['Email', 'maria.rossi@example.it'],
];

export const scenarios = [
  {
    slug: 'richiesta-assistenza',
    title: 'Richiesta di assistenza',
    steps: [[
      ['Nome', 'Maria'], ['Cognome', 'Rossi'], ['Email', 'maria.rossi@example.it'],
      ['Categoria di servizio', 'Anagrafe e stato civile'], ['Servizio', "Carta d'identità"],
      ['Dettagli', 'Quali documenti servono per il rinnovo della carta di identità?'],
    ]],
    review: ['Anagrafe e stato civile', 'maria.rossi@example.it'],
  },
  {
    slug: 'carta-identita',
    title: "Prenotazione appuntamento per il rinnovo della carta d'identità elettronica",
    steps: [
      // The appointment picker: first calendar, first free day, first free time.
      [['@slot']],
      [["Motivo dell'appuntamento", 'Documento scaduto']],
      [...persona, ['Telefono', '333 123 4567']],
    ],
    review: ['Documento scaduto', 'RSSMRA85T10A562S'],
  },
  {
    slug: 'autolettura-acqua',
    title: "Autolettura del contatore dell'acqua",
    steps: [
      [['Codice utente', '00123456'], ['Matricola del contatore', 'AB12345678'], ['Lettura (metri cubi)', '1234'],
        ['Data della lettura', '2026-11-20'], ['Foto del contatore', { name: 'contatore.jpg', mimeType: 'image/jpeg', buffer: jpeg }]],
      persona,
    ],
    review: ['1234', '20/11/2026', 'contatore.jpg'],
  },
  {
    slug: 'segnalazione-disservizio',
    title: 'Segnalazione di disservizio',
    steps: [
      [['Illuminazione pubblica', true], ['Via o piazza', 'Via Roma'], ['Numero civico', '12'], ['CAP', '00100'],
        ['Descrizione del problema', 'Il lampione davanti al civico 12 è spento da una settimana.']],
      [['Nome', 'Maria'], ['Cognome', 'Rossi'], ['Email', 'maria.rossi@example.it']],
    ],
    review: ['Illuminazione pubblica', 'Via Roma'],
  },
  {
    slug: 'iscrizione-mensa-scolastica',
    title: 'Iscrizione alla mensa scolastica',
    steps: [
      [...persona, ['Telefono', '333 123 4567']],
      [['Nome', 'Luca'], ['Cognome', 'Rossi'], ['Codice fiscale', 'RSSMRA85T10A562S'],
        ['Scuola', 'Scuola primaria "A. Manzoni"'], ['Classe o sezione', '3B']],
      [["IBAN per l'addebito", 'IT60 X054 2811 1010 0000 0123 456']],
    ],
    review: ['Scuola primaria "A. Manzoni"', 'IT60X0542811101000000123456'],
  },
];

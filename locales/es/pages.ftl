# hospes: páginas del arrendador y del inquilino, español.

language-name = Español
format-date = %-d/%-m/%Y
format-datetime = %-d/%-m/%Y %H:%M
format-datetime-seconds = %-d/%-m/%Y %H:%M:%S
format-day-month = %-d/%-m
list-separator = {", "}
skip-to-content = Ir al contenido
language-switch = Idioma
hint-wrap = ({ $hint })
back = Volver

## Acceso
login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contraseña
login-submit = Entrar
login-wrong = Correo electrónico o contraseña incorrectos.
login-police-elsewhere = Los agentes de policía y los administradores entran en /police/login, con su segundo factor.
login-rate-limited = { $count ->
    [one] Demasiados intentos fallidos. Vuelva a intentarlo dentro de un minuto.
   *[other] Demasiados intentos fallidos. Vuelva a intentarlo dentro de { $count } minutos.
}

## Inmuebles
properties-title = Sus inmuebles
sign-out = Cerrar sesión
properties-none = Todavía no hay ningún inmueble. Añada el primero abajo.
properties-add = Añadir un inmueble
properties-add-submit = Añadir inmueble
form-correct-marked = Corrija los campos marcados.
property-name = Nombre
property-name-hint = p. ej. Piso 3.º B
property-address = Dirección
property-jurisdiction = Jurisdicción
property-jurisdiction-hint = código ISO 3166-2, p. ej. ES-M
property-time-zone = Zona horaria
property-time-zone-hint = p. ej. Europe/Madrid
all-properties = Todos los inmuebles
property-checkin-heading = Registrar a un inquilino
property-checkins = Registros
property-no-checkins = Todavía no hay registros.
property-qr-heading = Código QR de registro
property-qr-text = Los inquilinos escanean este código con el móvil para registrarse.
property-qr-alt = Código QR del formulario de registro del inquilino
property-door-sign = Cartel para la puerta (imprimible)
property-open-form = Abrir el formulario del inquilino

## Foto del código QR de identidad del inquilino
scan-label = Fotografíe el código QR de identidad del inquilino
scan-hint = Use la cámara trasera y encuadre solo el código. JPEG o PNG.
scan-preview = Vista previa de la foto elegida
scan-submit = Leer la foto
scan-type-instead = Escribir los datos del inquilino
scan-read-ok = Leído de la credencial de identidad del inquilino; la firma del registro es válida. Revise la estancia y añada un contacto.
scan-error-heading = No se ha podido usar la foto
scan-error-heic = Este móvil guardó la foto en HEIC, que aquí no se puede leer. En los ajustes de la cámara elija «Más compatible» (JPEG), o haga una captura de pantalla del código, y vuelva a intentarlo.
scan-error-format = Las fotos { $format } no se pueden leer aquí. En los ajustes de la cámara elija «Más compatible» (JPEG), o haga una captura de pantalla del código, y vuelva a intentarlo.
scan-error-no-code = No se ha encontrado ningún código QR en la foto. Sujete el móvil con firmeza, encuadre el código, evite los reflejos y vuelva a intentarlo.
scan-error-not-credential = El código QR de la foto no es una credencial de identidad válida. Fotografíe el código que muestra la aplicación de identidad del inquilino o compruebe el documento a mano.
scan-error-expired = Esta credencial de identidad ha caducado. Pida al inquilino que abra un código nuevo en su aplicación de identidad.
scan-error-too-large = La foto ocupa más de { $count } MB. Hágala de nuevo con menos resolución.
scan-error-no-photo = Elija o haga primero una foto.
scan-try-again = Probar con otra foto
# The full stop after a sentence that ends with a code or an address.
sentence-end = .
csrf-heading = Vuelva a intentarlo
csrf-text = Este formulario ha caducado o no procede de este sitio. Recargue la página y envíelo de nuevo.
form-unreadable-heading = No se ha podido leer el formulario
form-unreadable = Lo recibido no es el formulario de esta página (puede haberlo enviado otro programa o haber llegado incompleto). Vuelva atrás, recargue la página y envíelo de nuevo; no se ha guardado nada.

## Estados, eventos, alertas
status-submitted = Enviado
status-checking = En comprobación
status-verified = Verificado
status-flagged = Con alerta
status-resolved = Resuelto
status-checked_out = Salida registrada
status-purged = Borrado
event-submitted = Enviado
event-verified = Verificado
event-flagged = Con alerta
event-resolved = Resuelto por la policía
event-checked_out = Salida registrada
event-purged = Datos personales borrados
event-rechecked = Comprobado de nuevo
flag-identity_mismatch = la identidad no coincide con el registro
flag-not_found = no figura en el registro
flag-document_invalid = el documento no es válido
flag-document_expired = el documento ha caducado
flag-document_lost_or_stolen = el documento consta como perdido o robado
flag-holder_deceased = el registro indica que el titular ha fallecido
flag-needs_review = requiere revisión
flag-registry_unavailable = no se pudo contactar con el registro; se volverá a consultar
resolution-cleared = Descartado
resolution-confirmed = Confirmado
resolution-needs_follow_up = Requiere seguimiento
guests = { $count ->
    [one] 1 huésped
   *[other] { $count } huéspedes
}
channel-invitation = por el inquilino
channel-landlord = por usted
channel-partner = por un sistema colaborador

## Formulario de registro
form-heading-landlord = Registrar a un inquilino
form-heading-tenant = Registro de entrada
form-correct-count = { $count ->
    [one] Corrija 1 campo:
   *[other] Corrija { $count } campos:
}
form-stay = La estancia
form-check-in = Entrada
form-check-out = Salida
form-local-time = Hora local del inmueble ({ $zone }).
form-guest = El huésped
form-guest-hint = exactamente como figura en el documento
field-given_names = Nombre
field-given_names-hint = {""}
field-family_name = Primer apellido
field-family_name-hint = {""}
field-second_family_name = Segundo apellido
field-second_family_name-hint = si el documento lo tiene
field-birth_date = Fecha de nacimiento
field-birth_date-hint = {""}
field-nationality = Nacionalidad
field-nationality-hint = tres letras, p. ej. ESP, CHN, DEU
field-document_type = Documento
field-document_type-hint = {""}
field-document_number = Número del documento
field-document_number-hint = {""}
field-issuing_country = País de expedición
field-issuing_country-hint = tres letras
field-support_number = Número de soporte
field-support_number-hint = solo DNI/NIE españoles
field-sex = Sexo
document-type-passport = Pasaporte
document-type-id_card = Documento de identidad
document-type-residence_permit = Permiso de residencia
document-type-other = Otro documento de viaje
form-contact = Contacto
form-contact-hint = un teléfono o un correo electrónico
form-phone = Teléfono
form-email = Correo electrónico
consent-heading = Sus datos
consent-what = Qué se recoge
consent-what-text = El nombre y los apellidos del huésped, su fecha de nacimiento, su nacionalidad y su documento de identidad, y las fechas de la estancia.
consent-what-text-contact = El nombre y los apellidos del huésped, su fecha de nacimiento, su nacionalidad y su documento de identidad, las fechas de la estancia y un teléfono o correo electrónico.
consent-why = Para qué
consent-why-text = La ley obliga a los anfitriones a registrar a sus huéspedes, y el documento de identidad se comprueba con el registro de población.
consent-who = Quién lo ve
consent-who-text = Su arrendador; el registro de población (solo nombre, fecha de nacimiento y documento, para confirmar el documento); la policía solo si la comprobación plantea una duda.
consent-how-long = Cuánto tiempo se guarda
consent-how-long-text = Se guarda cifrado y se borra { $retention }. Los sellos que prueban el registro no contienen datos personales y se conservan.
consent-receipt = Todo lo que envíe queda sellado. Su justificante muestra lo que se registró sobre usted y le permite descargarlo.
form-submit = Enviar el registro
retention-days = { $count ->
    [one] 1 día después de la salida
   *[other] { $count } días después de la salida
}
retention-months = { $count ->
    [one] 1 mes después de la salida
   *[other] { $count } meses después de la salida
}
retention-years = { $count ->
    [one] 1 año después de la salida
   *[other] { $count } años después de la salida
}
retention-until-transmitted = una vez transmitido a las autoridades

## Errores de los campos
error-required = Este campo es obligatorio.
error-invalid_date = Esta fecha no existe. Use una fecha como 1990-05-31.
error-birth_in_future = La fecha de nacimiento está en el futuro.
error-implausible_age = La fecha de nacimiento es de hace más de 120 años. Revise el año.
error-checkout_before_checkin = La salida debe ser posterior a la entrada.
error-zero_nights = La salida debe ser al menos una noche después de la entrada.
error-nonexistent_local_time = Esta hora no existe en el inmueble (ese día cambia la hora). Elija otra hora.
error-ambiguous_local_time = Esta hora se repite en el inmueble (ese día cambia la hora). Elija otra hora.
error-country = Use el código de país de tres letras (ISO 3166-1 alfa-3), como ESP o CHN.
error-too_long = Es demasiado largo.
error-invalid_character = Un nombre solo puede contener letras, espacios, guiones y apóstrofos.
error-invisible_character = Contiene un carácter invisible. Escríbalo de nuevo.
error-digit_in_name = Un nombre no puede contener cifras.
error-mixed_script = Todas las partes del nombre deben estar escritas en el mismo alfabeto, como en el documento.
error-document_number-checksum = El número del documento no cuadra: probablemente hay un carácter mal escrito. Cópielo de nuevo del documento.
error-document_number-length = El número del documento tiene demasiados o muy pocos caracteres para este documento.
error-document_number-format = El número del documento contiene caracteres que este documento nunca usa.
error-document_number-date = La fecha de nacimiento contenida en el número del documento es imposible.
error-document_number-region = El código de región del número del documento no existe para esta fecha de nacimiento.
error-birth_date-document_mismatch = La fecha de nacimiento no coincide con la del número del documento.
error-sex-document_mismatch = El sexo no coincide con el del número del documento.
error-check_in-format = Indique una fecha y una hora.
error-check_out-format = Indique una fecha y una hora.
error-email-format = No es una dirección de correo electrónico.
error-contact-required = Indique un teléfono o un correo electrónico.
error-support_number-required = Indique el número de soporte impreso en la tarjeta del DNI o NIE (IDESP / número de soporte).
error-support_number-format = Un número de soporte tiene tres letras y seis cifras (DNI) o una letra y ocho cifras (NIE).
error-second_family_name-required = Los titulares de un DNI español deben indicar su segundo apellido.
error-jurisdiction-format = Use un código de subdivisión ISO 3166-2, como ES-M o CN-TJ.
error-time_zone-format = Use una zona horaria IANA, como Europe/Madrid.
error-document_type-format = Elija uno de los tipos de documento.

## Página de un registro y justificante del inquilino
checkin-heading = Registro
checkin-pending = Se está comprobando la identidad con el registro de población. Esta página se actualiza sola.
checkin-police-review = Revisión policial:
checkin-flag = Huésped { $number }: { $reason }
checkout-submit = Registrar la salida
checkout-heading = No se ha registrado la salida
checkout-not-now = Este registro no admite la salida en su estado actual.
receipt-title = Su registro
receipt-heading = Justificante sellado
receipt-qr-alt = Código QR del justificante sellado, para hospes verify
receipt-explained = Cada paso se sella con la clave Ed25519 del servicio. Cualquiera puede verificar el justificante sin conexión con hospes verify y las claves públicas de
receipt-verify = Verificar los sellos
receipt-download = Descargar el justificante (JSON)
receipt-print = Justificante imprimible con código QR
receipt-not-found = Justificante no encontrado
receipt-not-found-text = Este enlace de justificante no es válido.
privacy-heading = Lo que se registró sobre usted
privacy-guest = Huésped { $number }
privacy-erasure = Borrado.
privacy-recipients = Quién lo recibió
privacy-why = Para qué:
privacy-keep-private = Solo se llega a esta página con el enlace de su justificante; no lo comparta.
privacy-download = Descargar sus datos (JSON)
privacy-document = Documento
privacy-accompanied = Acompañado por
privacy-accompanied-text = huésped { $number } ({ $relationship })
privacy-erased = Sus datos personales se borraron el { $date } ({ $jurisdiction }). Los sellos se conservan: prueban que este registro existió y se borró, y no contienen datos personales.
privacy-erase-on = Sus datos personales se borrarán el { $date } ({ $jurisdiction }), o más tarde si sigue abierta una revisión policial.
recipient-landlord = Su arrendador
recipient-landlord-data = las personas y el contacto tal como se registraron, la estancia y el resultado de la comprobación de identidad
recipient-landlord-purpose = el registro de huéspedes que la ley exige a los anfitriones
recipient-population_registry = El registro de población
recipient-population_registry-data = el nombre, la fecha de nacimiento y el tipo, número y país de expedición del documento de cada persona (ni nacionalidad, ni sexo, ni contacto, ni estancia)
recipient-population_registry-purpose = confirmar que el documento es válido y pertenece a la persona
recipient-police = La policía
recipient-police-data = el registro, para los revisores policiales de { $jurisdiction } (cada consulta queda anotada con un motivo)
recipient-police-purpose = la comprobación de identidad planteó una duda que revisa la policía
invitation-heading = Este enlace de registro no se puede usar
invitation-expired = Este código de registro ha caducado. Pida a su arrendador el código actual.
invitation-revoked = El arrendador ha sustituido este código de registro. Pida el código actual.
invitation-invalid = Este enlace no es un código de registro válido. Vuelva a escanear el código del inmueble.

## Cartel para la puerta
sign-title = Cartel para la puerta
sign-explained = Imprima este cartel y colóquelo en la puerta. Los inquilinos escanean el código con la cámara del móvil para registrarse.
sign-print = Imprimir
sign-scan = Escanee para registrarse

## Verificación del justificante
verify-title = Verificar el justificante
verify-ok = { $count ->
    [one] El sello es válido: firmado con la clave de este servicio y sin alteraciones.
   *[other] Los { $count } sellos son válidos: firmados con las claves de este servicio, sin alteraciones y en orden.
}
verify-logged = { $count ->
    [one] El sello más reciente está incluido en el registro público de transparencia (un árbol de 1 sello), y el registro no se ha reescrito desde entonces.
   *[other] El sello más reciente está incluido en el registro público de transparencia (un árbol de { $figure } sellos), y el registro no se ha reescrito desde entonces.
}
verify-log-rewritten = Atención: el registro de transparencia ya no empieza por el árbol en el que se probó este justificante.
verify-key = Id. de clave:
verify-failed = El justificante NO es válido.
verify-offline = Para verificarlo usted mismo, sin conexión:

## Problemas mostrados como páginas
problem-not_found-title = No encontrado
problem-not_found = Aquí no hay nada, o nada que usted pueda ver.
problem-internal-title = Algo ha fallado
problem-internal = Algo ha fallado por nuestra parte. Vuelva a intentarlo.
problem-unavailable-title = Servicio no disponible
problem-unavailable = El servicio está ocupado o una parte no responde. Vuelva a intentarlo dentro de un minuto.

## El justificante imprimible
print-checkin = Registro
print-qr-alt = Código QR del justificante sellado
print-qr-holds = El código contiene el justificante completo: todos los sellos, la posición del sello más reciente en el registro de transparencia y el punto de control firmado de ese registro.
print-qr-check-offline = {" "}Cualquier persona puede comprobarlo sin conexión con
print-qr-check-upload = {""} o subiendo una foto del código a
print-qr-check-end = .
print-qr-too-large = Este justificante es demasiado extenso para un código QR; descárguelo en formato JSON.
print-seals = Sellos
print-leaf = hoja { $index }
print-log = Registro de transparencia { $origin }, tamaño del árbol { $size }, raíz
print-public-keys = Claves públicas:
print-checkpoint = Punto de control:

# hospes: el espacio de trabajo policial y las páginas de administración, en español.
# Cada clave de locales/en/police.ftl debe existir aquí (tests/i18n.rs lo comprueba).

## Navegación e inicio de sesión
police-nav-queue = Bandeja
police-nav-dashboard = Panel
police-login-title = Acceso policial
police-login-heading = Policía y administración
police-login-code = Código de su aplicación de autenticación
police-login-code-hint = o uno de sus códigos de recuperación
police-login-sessions = La sesión se cierra tras 15 minutos de inactividad y, en todo caso, a las 12 horas. Cada registro que consulte queda anotado con el motivo indicado.
police-login-wrong = La dirección de correo electrónico, la contraseña o el código no son correctos (cada código sirve una sola vez; espere al siguiente).
police-rate-limited = Demasiados intentos fallidos. Vuelva a intentarlo dentro de { $wait }.
police-wait-seconds = { $count ->
    [one] un segundo
   *[other] { $count } segundos
}
police-wait-minutes = { $count ->
    [one] un minuto
   *[other] { $count } minutos
}
police-duration-days = { $days } d { $hours } h
police-duration-hours = { $hours } h { $minutes } min
police-duration-minutes = { $minutes } min
police-error-heading = No se ha podido completar la operación
police-error-not-opened = Primero debe abrir el registro indicando un motivo.
police-error-conflict = Este registro ya se había resuelto o ha cambiado entretanto.
police-back-to-queue = Volver a la bandeja
police-error-choose-reason = Seleccione el motivo por el que abre este registro.
police-error-reason-text = Explique el motivo con sus palabras, en un mínimo de { $min } y un máximo de { $max } caracteres.
police-error-choose-outcome = Seleccione un resultado: descartado, confirmado o requiere seguimiento.
police-error-note-text = Escriba una nota de { $max } caracteres como máximo.

## Motivos de alerta, gravedad y motivos de consulta
police-flag-document_lost_or_stolen = documento extraviado o sustraído
police-flag-holder_deceased = titular fallecido
police-flag-document_invalid = documento no válido
police-flag-not_found = no consta en el registro
police-flag-identity_mismatch = discrepancia de identidad
police-flag-document_expired = documento caducado
police-flag-needs_review = requiere revisión
police-flag-registry_unavailable = registro no disponible
police-severity = gravedad { $level }
police-severity-5 = documento sustraído o extraviado, titular fallecido
police-severity-4 = no consta, documento no válido
police-severity-3 = discrepancia de identidad
police-severity-2 = documento caducado, requiere revisión
police-severity-1 = registro no disponible
police-access-queue_review = Revisión de la alerta (trabajo de bandeja)
police-access-investigation = Un caso o una investigación en curso
police-access-authority_request = Una solicitud de otra autoridad
police-access-data_subject_request = A petición de la persona interesada
police-access-quality_assurance = Control de calidad o auditoría
police-reason = Motivo
police-choose = seleccione…
police-in-your-words = Explicación del motivo

## La bandeja
police-queue-title = Bandeja
police-queue-heading = Registros con alerta pendientes de revisión
police-queue-jurisdictions = demarcaciones { $list }
police-queue-open = abiertos en sus demarcaciones
police-queue-shown = mostrados con estos filtros
police-queue-by-reason = Registros abiertos por motivo
police-waiting-lt1d = en espera menos de un día
police-waiting-1-3d = en espera de 1 a 3 días
police-waiting-3-7d = en espera de 3 a 7 días
police-waiting-gt7d = en espera más de una semana
police-age-lt1d = menos de un día
police-age-1-3d = de 1 a 3 días
police-age-3-7d = de 3 a 7 días
police-age-gt7d = más de una semana
police-sort-oldest = primero la alerta más antigua
police-sort-newest = primero la alerta más reciente
police-sort-severity = primero la más grave
police-property = Inmueble
police-filter-any = cualquiera
police-filter-from = Alerta desde
police-filter-to = hasta
police-filter-waiting = En espera
police-filter-order = Orden
police-filter-submit = Filtrar
police-filter-clear = Quitar filtros
police-queue-empty = No hay nada pendiente de revisión con estos filtros.
police-col-severity = Gravedad
police-col-flagged = Alerta
police-col-waiting = En espera
police-col-reasons = Motivos
police-col-guests = Huéspedes
police-col-status = Estado
police-queue-review = Revisar
police-export-heading = Exportar esta lista
police-export-hint = La exportación (CSV, sin datos personales) queda anotada en el registro de auditoría con el motivo indicado.
police-export-submit = Descargar CSV
police-export-error = Exportación: { $problem }.

## Un registro
police-checkin-title = Registro
police-open-heading = ¿Por qué abre este registro?
police-open-hint = El motivo se anota en el registro de auditoría, con su nombre y la hora, antes de mostrarse el registro.
police-open-submit = Abrir el registro
police-person-flagged = Alerta:
police-accompanied = acompañado por el huésped { $number } ({ $relationship })
police-col-field = Dato
police-col-declared = Declarado
police-col-registry = Registro de población
police-field-family_name = Apellidos
police-field-given_names = Nombre
police-field-birth_date = Fecha de nacimiento
police-field-document = Documento
police-registry-match = coincide
police-registry-probable_match = coincidencia probable
police-registry-needs_review = requiere revisión
police-registry-needs_transliteration = requiere transliteración
police-registry-no_match = no coincide
police-registry-not_found = no consta
police-registry-valid = válido
police-registry-expired = caducado
police-registry-revoked = revocado
police-registry-lost_or_stolen = extraviado o sustraído
police-registry-holder_deceased = titular fallecido
police-registry-none = no comparado
police-stay = Estancia
police-contact = Contacto:
police-seal-verified = verificado
police-seal-invalid = no válido
police-seal-unchecked = sin comprobar
police-resolution = Resolución:
police-resolve-heading = Resolver
police-resolve-hint = El resultado se sella y el arrendador lo ve; la nota queda en poder de la policía.
police-note = Nota
police-resolve-submit = Sellar la resolución

## El panel y sus gráficos
police-dashboard-title = Panel
police-dashboard-period = { $jurisdictions }, últimos { $count } días
police-dashboard-open = alertas abiertas
police-dashboard-oldest = alerta abierta más antigua:
police-dashboard-no-open = ninguna alerta abierta
police-dashboard-median = mediana del tiempo entre alerta y resolución
police-dashboard-legend = Colores de gravedad
police-dashboard-legend-checkins = registros
police-summary = Resumen
police-summary-today = Hoy
police-summary-week = Últimos 7 días
police-summary-checkins = Registros
police-summary-flagged = Con alerta
police-summary-resolved = Resueltos
police-summary-cleared = descartados
police-summary-confirmed = confirmados
police-summary-needs-follow-up = requieren seguimiento
police-summary-median = Mediana del tiempo de resolución
chart-daily-title = Registros y alertas por día
chart-daily-checkins = { $count ->
    [one] { $date }: 1 registro
   *[other] { $date }: { $figure } registros
}
chart-daily-flags = { $count ->
    [one] { $date }: 1 alerta de gravedad { $level }
   *[other] { $date }: { $figure } alertas de gravedad { $level }
}
chart-reasons-title = Alertas por motivo
chart-reasons-none = No hay alertas en este periodo.
chart-reasons-total = { $count ->
    [one] 1 alerta en el periodo
   *[other] { $figure } alertas en el periodo
}
chart-reasons-open = { $count ->
    [one] 1 abierta ahora
   *[other] { $figure } abiertas ahora
}
chart-reasons-figures = { $total } · abiertas: { $open }
chart-resolution-title = Tiempo entre alerta y resolución
chart-bucket-0 = < 1 h
chart-bucket-1 = 1–4 h
chart-bucket-2 = 4–24 h
chart-bucket-3 = 1–3 d
chart-bucket-4 = 3–7 d
chart-bucket-5 = > 7 d

## Alta del segundo factor
enrol-title = Segundo factor
enrol-heading = Configure su segundo factor
enrol-new-password = Elija una contraseña
enrol-new-password-hint = al menos 12 caracteres; lo mejor es una frase
enrol-repeat-password = Repita la contraseña
enrol-password = Su contraseña
enrol-continue = Continuar
enrol-scan = Escanee este código con su aplicación de autenticación (cualquier aplicación TOTP, RFC 6238). Solo se muestra ahora.
enrol-type-key = O introduzca esta clave:
enrol-code = El código de 6 cifras que muestra la aplicación
enrol-confirm = Confirmar
enrol-done = Su segundo factor está configurado. Guarde estos códigos de recuperación en un lugar seguro, lejos de su teléfono: cada uno permite iniciar sesión una vez si pierde el teléfono. Solo se muestran ahora.
enrol-invalid-heading = Este enlace no funciona
enrol-invalid = El enlace de alta no es válido: ya se utilizó, ha caducado o lo ha sustituido otro más reciente. Solicite uno nuevo a su administrador.
enrol-password-length = La contraseña debe tener entre 12 y 128 caracteres.
enrol-passwords-differ = Las dos contraseñas no coinciden.
enrol-password-wrong = La contraseña no es correcta.
enrol-wrong-code = El código no coincide; compruebe la hora del teléfono y pruebe con el código siguiente.

## Administración
admin-nav-accounts = Cuentas
admin-nav-audit = Registro de auditoría
admin-title = Administración
admin-heading = Cuentas y demarcaciones
admin-col-role = Función
admin-col-jurisdictions = Demarcaciones
admin-col-factor = Segundo factor
admin-col-state = Situación
admin-col-actions = Acciones
admin-role-police = policía
admin-role-admin = administración
admin-role-landlord = arrendador
admin-jurisdictions-of = Demarcaciones de { $email }
admin-set = Guardar
admin-enrolled = configurado
admin-not-enrolled = pendiente
admin-disabled = desactivada
admin-active = activa
admin-reset-factor = Restablecer el segundo factor
admin-enable = Activar
admin-disable = Desactivar
admin-new-account = Nueva cuenta de policía o de administración
admin-jurisdictions-hint = policía: códigos ISO 3166-2 separados por comas
admin-new-account-hint = La persona titular elige una contraseña y configura el segundo factor con un enlace de un solo uso que se muestra tras crear la cuenta.
admin-create = Crear
admin-jurisdiction-code = Código ISO 3166-2
admin-add = Añadir
admin-choose-role = elija policía o administración
admin-account-created = Se ha creado la cuenta { $email }. Entregue este enlace de un solo uso a su titular (válido durante 72 horas):
admin-jurisdiction-added = Se ha añadido la demarcación { $code } ({ $name }).
admin-factor-reset = Se ha eliminado el segundo factor y se han cerrado las sesiones. Entregue este enlace de un solo uso a la persona titular de la cuenta:
admin-account-disabled = Cuenta desactivada; se han cerrado sus sesiones.
admin-account-enabled = Cuenta activada.
admin-jurisdictions-set = Demarcaciones asignadas: { $list }.
audit-intact = Íntegro.
audit-broken = El registro no supera la verificación.
audit-summary = { $entries ->
    [one] 1 entrada encadenada
   *[other] { $entries_figure } entradas encadenadas
}; { $checkpoints ->
    [one] 1 punto de control sellado
   *[other] { $checkpoints_figure } puntos de control sellados
} (el más reciente sella { $sealed } entradas).
audit-none-yet = ninguna todavía
audit-hint = Solo admite anotaciones nuevas: el hash de cada entrada abarca la anterior y la cabecera se sella con la clave del servicio. Desde aquí no se puede modificar ninguna entrada.
audit-col-time = Hora (UTC)
audit-col-who = Quién
audit-col-what = Qué
audit-col-about = Sobre
audit-col-reason = Motivo
audit-col-detail = Detalle

#!/bin/sh
# NOTIFYCMD of config/nut/upsmon.conf: each UPS notice into the journal, Vietnamese first, then English
# (`journalctl -t coc-ups`). upsmon sets NOTIFYTYPE and passes its own English message as $1.
case "${NOTIFYTYPE:-}" in
  ONBATT) vi="Mất điện lưới, COC đang chạy bằng ắc quy UPS" ;;
  ONLINE) vi="Có điện lưới trở lại" ;;
  LOWBATT) vi="Ắc quy UPS yếu: COC và máy chủ MQTT sẽ dừng an toàn, rồi tắt máy" ;;
  FSD) vi="UPS buộc tắt máy" ;;
  SHUTDOWN) vi="Đang tắt máy COC do hết ắc quy" ;;
  COMMBAD | NOCOMM) vi="Mất liên lạc với UPS" ;;
  COMMOK) vi="Liên lạc lại với UPS" ;;
  REPLBATT) vi="Cần thay ắc quy UPS" ;;
  *) vi="Thông báo UPS" ;;
esac
logger -t coc-ups -p daemon.warning -- "${vi} / ${NOTIFYTYPE:-UPS}: $*"

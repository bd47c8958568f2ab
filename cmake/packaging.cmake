# The screen as a Debian package: `cmake --build build --target package` makes
# build/campus-kiosk_<version>_amd64.deb with /usr/bin/kiosk, /usr/bin/kiosk-feed,
# the system unit (packaging/campus-kiosk.service: the kiosk in its own X server
# as user kiosk), /etc/campus-kiosk/kiosk.json as a conffile, and the docs.
# Depends: what dpkg-shlibdeps finds in the binaries, plus the fonts, the time
# zones and the X server pieces the kiosk needs at run time.
include(GNUInstallDirs)
install(TARGETS kiosk-feed RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/campus-kiosk.service DESTINATION /lib/systemd/system)  # Debian 12 units live in /lib
install(FILES ${PROJECT_SOURCE_DIR}/packaging/kiosk.json DESTINATION /etc/campus-kiosk)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/packaging/xserver DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/campus-kiosk)  # the unit's Xorg, without NOTIFY_SOCKET
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/config.md
              ${PROJECT_SOURCE_DIR}/docs/monitoring.md ${PROJECT_SOURCE_DIR}/docs/office.md
              ${PROJECT_SOURCE_DIR}/docs/deploy.md
              ${PROJECT_SOURCE_DIR}/assets/kiosk.example.json
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/campus-kiosk)
# One Prometheus for the fleet (docs/deploy.md): its config and the alert rules.
install(FILES ${PROJECT_SOURCE_DIR}/assets/prometheus/prometheus.yml
              ${PROJECT_SOURCE_DIR}/assets/prometheus/campus-kiosk.rules.yml
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/campus-kiosk/prometheus)

# What Debian asks of every package's doc directory (lintian errors without
# them): the copyright file, and a native package's changelog, gzipped with no
# timestamp (-n) so that two builds of one source give the same bytes; its
# date honours SOURCE_DATE_EPOCH.
string(TIMESTAMP kiosk_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog
"campus-kiosk (${PROJECT_VERSION}) stable; urgency=medium

  * Built from the campus-kiosk source, version ${PROJECT_VERSION} (README.md).

 -- campus-kiosk maintainers <kiosk@school.example.cn>  ${kiosk_changelog_date}
")
execute_process(COMMAND gzip -9nc ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog
                OUTPUT_FILE ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz RESULT_VARIABLE kiosk_gzip_result)
if(NOT kiosk_gzip_result EQUAL 0)
  message(FATAL_ERROR "gzip of the package's changelog failed: ${kiosk_gzip_result}")
endif()
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/campus-kiosk)

# dpkg treats files under /etc as the admin's only when listed as conffiles.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/packaging/conffiles "/etc/campus-kiosk/kiosk.json\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME campus-kiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "campus-kiosk maintainers <kiosk@school.example.cn>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "school display screens (校园屏) and the office's feed tool")
set(CPACK_PACKAGE_DESCRIPTION "campus-kiosk shows the school's signed feed (habits, red-flag
standings, announcements, events) full-screen, and kiosk-feed builds and
publishes that feed from the office's workbook.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # campus-kiosk_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # the programs without their symbols (lintian: unstripped-binary-or-object)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "fonts-noto-cjk, fonts-symbola, tzdata, adduser, xinit, xserver-xorg-core, xserver-xorg-legacy, xserver-xorg-input-libinput, xserver-xorg-video-all | xserver-xorg-video-fbdev, libgl1-mesa-dri, x11-xserver-utils")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "v4l-utils | cec-utils")  # the cec power backend
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "prometheus-node-exporter")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm ${CMAKE_CURRENT_BINARY_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR})
include(CPack)

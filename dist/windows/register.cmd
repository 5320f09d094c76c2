@echo off
rem Makes tgseal-gui.exe (beside this script) open .tgseal files when they are
rem double-clicked, for the current user only: no administrator rights needed.
rem Run it again after moving the folder; unregister.cmd undoes it.
rem (Errors are checked with "if errorlevel", not "||", which Wine 8's cmd
rem mishandles; the smoke test runs this script under Wine.)
setlocal
set "APP=%~dp0tgseal-gui.exe"
if not exist "%APP%" (
  echo register.cmd: tgseal-gui.exe is not in %~dp0
  exit /b 1
)
set "KEY=HKCU\Software\Classes"
reg add "%KEY%\.tgseal" /ve /d "tgseal.SealedFile" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\.tgseal" /v "Content Type" /d "application/x-tgseal" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\.tgseal\OpenWithProgids" /v "tgseal.SealedFile" /d "" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\tgseal.SealedFile" /ve /d "tgseal sealed file" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\tgseal.SealedFile\DefaultIcon" /ve /d "%~dp0tgseal-file.ico" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\tgseal.SealedFile\shell\open\command" /ve /d "\"%APP%\" \"%%1\"" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\Applications\tgseal-gui.exe\shell\open\command" /ve /d "\"%APP%\" \"%%1\"" /f >nul
if errorlevel 1 goto failed
reg add "%KEY%\Applications\tgseal-gui.exe\SupportedTypes" /v ".tgseal" /d "" /f >nul
if errorlevel 1 goto failed
echo .tgseal files now open with %APP%
rem Tell Explorer the association changed (it otherwise notices at next sign-in).
ie4uinit.exe -show >nul 2>&1
exit /b 0

:failed
echo register.cmd: writing to the registry failed
exit /b 1

@echo off
rem Undoes register.cmd: .tgseal files no longer open with tgseal-gui.exe.
setlocal
set "KEY=HKCU\Software\Classes"
reg delete "%KEY%\tgseal.SealedFile" /f >nul 2>&1
reg delete "%KEY%\Applications\tgseal-gui.exe" /f >nul 2>&1
reg delete "%KEY%\.tgseal\OpenWithProgids" /v "tgseal.SealedFile" /f >nul 2>&1
rem .tgseal itself only if it still points to us.
reg query "%KEY%\.tgseal" /ve 2>nul | find "tgseal.SealedFile" >nul
if not errorlevel 1 reg delete "%KEY%\.tgseal" /f >nul 2>&1
echo .tgseal files are no longer associated with tgseal-gui.exe
exit /b 0
